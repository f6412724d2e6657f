package io.tripwire.engine.ingest;

import java.util.Map;

/** One gauge or sum data point of an OpenTelemetry metric, whichever encoding it came in. */
public record OtlpPoint(String metric, long timeNanos, double value, Map<String, Object> attributes, Map<String, Object> resource) {
}
