/**
 * The executor's HTTP endpoint: {@code GET /metrics} ({@code tripwire_executor_results_total} and
 * whatever else is on the registry) and {@code GET /health} (ready to execute: running and assigned),
 * served by the shared {@code io.tripwire.observability.MetricsServer}.
 */
package io.tripwire.executor.http;
