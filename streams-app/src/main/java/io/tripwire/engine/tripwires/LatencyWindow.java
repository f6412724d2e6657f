package io.tripwire.engine.tripwires;

import io.tripwire.engine.signals.Percentiles;

/**
 * Latency percentiles of a tenant × op over the window that ends at the minute boundary
 * {@code boundary}; {@code percentiles} is null when the window held no request.
 */
public record LatencyWindow(String tenant, String op, long boundary, Percentiles percentiles) {
}
