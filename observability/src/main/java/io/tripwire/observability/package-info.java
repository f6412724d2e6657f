/**
 * The HTTP endpoint of the engine ({@code ./tripwire run}, default 127.0.0.1:9464) and of the
 * executor ({@code ./tripwire execute}, default 127.0.0.1:9465): {@code GET /metrics} in the
 * Prometheus text format and {@code GET /health} for probes. One implementation for both apps; each
 * app supplies its own registry and its own idea of "ready". Metric names: {@code docs/metrics.md}.
 */
package io.tripwire.observability;
