package io.tripwire.engine.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.MetricsData;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.TracesData;
import io.tripwire.wire.DecodeException;
import io.tripwire.wire.DecodeException.Reason;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads what the OpenTelemetry Collector's {@code kafka} exporter writes, one export request per
 * record: {@code otlp_proto} (its default; {@code TracesData} / {@code MetricsData}, the same bytes as
 * {@code ExportTraceServiceRequest} / {@code ExportMetricsServiceRequest}) or {@code otlp_json}
 * (OTLP's JSON mapping: lowerCamelCase names, ids as hex, 64-bit integers as strings, enums as
 * numbers), told apart by the first byte. The Collector's {@code file} exporter writes the same
 * JSON, one request a line. Anything else is a {@link DecodeException} with reason {@code bad-otlp}.
 */
public final class OtlpDecoder {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    private OtlpDecoder() {
    }

    /** The spans of one traces export request. */
    public static List<OtlpSpan> spans(byte[] value, String where) {
        if (isJson(value)) {
            try {
                return spansFromJson(tree(value, where), where);
            } catch (NumberFormatException e) {
                throw bad(where, "not valid OTLP JSON: " + e.getMessage(), e);
            }
        }
        TracesData data;
        try {
            data = TracesData.parseFrom(value);
        } catch (InvalidProtocolBufferException e) {
            throw bad(where, "not an OTLP traces export request (protobuf): " + e.getMessage(), e);
        }
        if (data.getResourceSpansCount() == 0 && !data.getUnknownFields().asMap().isEmpty()) {
            throw bad(where, "not an OTLP traces export request (protobuf): no resourceSpans, only unknown fields", null);
        }
        List<OtlpSpan> out = new ArrayList<>();
        for (ResourceSpans rs : data.getResourceSpansList()) {
            Map<String, Object> resource = attributes(rs.getResource().getAttributesList());
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                for (Span s : ss.getSpansList()) {
                    out.add(new OtlpSpan(hex(s.getTraceId()), hex(s.getSpanId()), s.getName(), s.getKindValue(),
                            s.getStartTimeUnixNano(), s.getEndTimeUnixNano(), s.getStatus().getCodeValue(),
                            attributes(s.getAttributesList()), resource));
                }
            }
        }
        return out;
    }

    /** The gauge and sum points of one metrics export request (other metric types are not read). */
    public static List<OtlpPoint> points(byte[] value, String where) {
        if (isJson(value)) {
            try {
                return pointsFromJson(tree(value, where), where);
            } catch (NumberFormatException e) {
                throw bad(where, "not valid OTLP JSON: " + e.getMessage(), e);
            }
        }
        MetricsData data;
        try {
            data = MetricsData.parseFrom(value);
        } catch (InvalidProtocolBufferException e) {
            throw bad(where, "not an OTLP metrics export request (protobuf): " + e.getMessage(), e);
        }
        if (data.getResourceMetricsCount() == 0 && !data.getUnknownFields().asMap().isEmpty()) {
            throw bad(where, "not an OTLP metrics export request (protobuf): no resourceMetrics, only unknown fields", null);
        }
        List<OtlpPoint> out = new ArrayList<>();
        for (ResourceMetrics rm : data.getResourceMetricsList()) {
            Map<String, Object> resource = attributes(rm.getResource().getAttributesList());
            for (ScopeMetrics sm : rm.getScopeMetricsList()) {
                for (Metric m : sm.getMetricsList()) {
                    List<NumberDataPoint> dps = switch (m.getDataCase()) {
                        case GAUGE -> m.getGauge().getDataPointsList();
                        case SUM -> m.getSum().getDataPointsList();
                        default -> List.of();
                    };
                    for (NumberDataPoint p : dps) {
                        double v = p.getValueCase() == NumberDataPoint.ValueCase.AS_INT ? p.getAsInt() : p.getAsDouble();
                        out.add(new OtlpPoint(m.getName(), p.getTimeUnixNano(), v, attributes(p.getAttributesList()), resource));
                    }
                }
            }
        }
        return out;
    }

    /** Whether a JSON text (a file line) is an OTLP traces or metrics request, by its first key. */
    public static boolean isTracesJson(String line) {
        return startsWithKey(line, "resourceSpans");
    }

    public static boolean isMetricsJson(String line) {
        return startsWithKey(line, "resourceMetrics");
    }

    private static boolean startsWithKey(String line, String key) {
        int i = 0;
        while (i < line.length() && Character.isWhitespace(line.charAt(i))) {
            i++;
        }
        if (i >= line.length() || line.charAt(i) != '{') {
            return false;
        }
        i++;
        while (i < line.length() && Character.isWhitespace(line.charAt(i))) {
            i++;
        }
        return line.startsWith("\"" + key + "\"", i);
    }

    private static boolean isJson(byte[] v) {
        for (byte b : v) {
            if (b == '{') {
                return true;
            }
            if (!Character.isWhitespace(b)) {
                return false;
            }
        }
        return false;
    }

    private static JsonNode tree(byte[] value, String where) {
        try {
            return JSON.readTree(new String(value, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw bad(where, "not valid OTLP JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }

    private static List<OtlpSpan> spansFromJson(JsonNode root, String where) {
        JsonNode list = root.get("resourceSpans");
        if (list == null || !list.isArray()) {
            throw bad(where, "not an OTLP traces export request (JSON): no resourceSpans array", null);
        }
        List<OtlpSpan> out = new ArrayList<>();
        for (JsonNode rs : list) {
            Map<String, Object> resource = attributes(rs.path("resource").path("attributes"));
            for (JsonNode ss : rs.path("scopeSpans")) {
                for (JsonNode s : ss.path("spans")) {
                    out.add(new OtlpSpan(s.path("traceId").asText("").toLowerCase(), s.path("spanId").asText("").toLowerCase(),
                            s.path("name").asText(""), s.path("kind").asInt(0), nanos(s.get("startTimeUnixNano"), where),
                            nanos(s.get("endTimeUnixNano"), where), s.path("status").path("code").asInt(0),
                            attributes(s.path("attributes")), resource));
                }
            }
        }
        return out;
    }

    private static List<OtlpPoint> pointsFromJson(JsonNode root, String where) {
        JsonNode list = root.get("resourceMetrics");
        if (list == null || !list.isArray()) {
            throw bad(where, "not an OTLP metrics export request (JSON): no resourceMetrics array", null);
        }
        List<OtlpPoint> out = new ArrayList<>();
        for (JsonNode rm : list) {
            Map<String, Object> resource = attributes(rm.path("resource").path("attributes"));
            for (JsonNode sm : rm.path("scopeMetrics")) {
                for (JsonNode m : sm.path("metrics")) {
                    JsonNode data = m.has("gauge") ? m.get("gauge") : m.get("sum");
                    if (data == null) {
                        continue;
                    }
                    for (JsonNode p : data.path("dataPoints")) {
                        double v = p.has("asInt") ? Long.parseLong(p.get("asInt").asText()) : p.path("asDouble").asDouble(Double.NaN);
                        out.add(new OtlpPoint(m.path("name").asText(""), nanos(p.get("timeUnixNano"), where), v,
                                attributes(p.path("attributes")), resource));
                    }
                }
            }
        }
        return out;
    }

    private static long nanos(JsonNode v, String where) {
        if (v == null || v.isNull()) {
            return 0;
        }
        try {
            return Long.parseLong(v.asText()); // OTLP JSON writes 64-bit integers as strings; numbers are accepted too
        } catch (NumberFormatException e) {
            throw bad(where, "a time in Unix nanoseconds expected, got " + v, e);
        }
    }

    private static Map<String, Object> attributes(List<KeyValue> kvs) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (KeyValue kv : kvs) {
            Object v = value(kv.getValue());
            if (v != null) {
                out.put(kv.getKey(), v);
            }
        }
        return out;
    }

    private static Object value(AnyValue v) {
        return switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case INT_VALUE -> v.getIntValue();
            case DOUBLE_VALUE -> v.getDoubleValue();
            case BOOL_VALUE -> v.getBoolValue();
            default -> null; // arrays, maps and bytes carry nothing the engine reads
        };
    }

    private static Map<String, Object> attributes(JsonNode kvs) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (JsonNode kv : kvs) {
            JsonNode v = kv.path("value");
            Object x = v.has("stringValue") ? v.get("stringValue").asText()
                    : v.has("intValue") ? (Object) Long.parseLong(v.get("intValue").asText())
                    : v.has("doubleValue") ? (Object) v.get("doubleValue").asDouble()
                    : v.has("boolValue") ? (Object) v.get("boolValue").asBoolean() : null;
            if (x != null && kv.has("key")) {
                out.put(kv.get("key").asText(), x);
            }
        }
        return out;
    }

    private static String hex(ByteString b) {
        return HEX.formatHex(b.toByteArray());
    }

    private static DecodeException bad(String where, String what, Throwable cause) {
        return new DecodeException(Reason.BAD_OTLP, null, where + ": " + what, cause);
    }
}
