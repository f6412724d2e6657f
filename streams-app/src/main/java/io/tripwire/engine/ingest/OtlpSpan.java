package io.tripwire.engine.ingest;

import java.util.Map;

/**
 * What the engine reads of one OpenTelemetry span, whichever encoding it came in (OTLP protobuf or
 * OTLP JSON): ids as lower-case hex, times in Unix nanoseconds, attribute values as Java strings,
 * longs, doubles or booleans.
 *
 * @param kind       OTLP {@code SpanKind}: 2 is SERVER
 * @param statusCode OTLP {@code Status.StatusCode}: 2 is ERROR
 */
public record OtlpSpan(String traceId, String spanId, String name, int kind, long startNanos, long endNanos, int statusCode,
                       Map<String, Object> attributes, Map<String, Object> resource) {

    public static final int KIND_SERVER = 2;
    public static final int STATUS_ERROR = 2;
}
