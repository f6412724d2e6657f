package io.tripwire.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tripwire.wire.DecodeException.Reason;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** Typed reads of the fields of one JSON-lines object, each error naming the line and field. */
final class JsonFields {

    private final ObjectNode node;
    private final long line;

    JsonFields(ObjectNode node, long line) {
        this.node = node;
        this.line = line;
    }

    boolean has(String field) {
        JsonNode v = node.get(field);
        return v != null && !v.isNull();
    }

    /**
     * Event time: ISO-8601 ({@code 2025-10-06T10:00:00.123Z}, an offset is converted to UTC) or epoch
     * milliseconds; cut to milliseconds, as Avro keeps it, so a JSON and an Avro replay agree.
     */
    Instant instant(String field) {
        Instant t = anyPrecision(field).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        try {
            t.toEpochMilli(); // Avro and Kafka carry epoch milliseconds in a long: years beyond ±292 million do not fit
        } catch (ArithmeticException e) {
            throw error(Reason.BAD_TIMESTAMP, field, "out of the range of epoch milliseconds, got " + shown(required(field)));
        }
        return t;
    }

    /** An optional instant (absent or null: null), read as {@link #instant}. */
    Instant optInstant(String field) {
        return has(field) ? instant(field) : null;
    }

    private Instant anyPrecision(String field) {
        JsonNode v = required(field);
        if (v.isNumber()) {
            if (v.isIntegralNumber() && v.canConvertToLong() || v.isFloatingPointNumber() && v.asDouble() == Math.rint(v.asDouble())) {
                return Instant.ofEpochMilli(v.asLong());
            }
            throw error(Reason.BAD_TIMESTAMP, field, "expected ISO-8601 UTC or epoch milliseconds, got " + shown(v));
        }
        if (!v.isTextual()) {
            throw error(Reason.BAD_TIMESTAMP, field, "expected ISO-8601 UTC or epoch milliseconds, got " + shown(v));
        }
        String s = v.asText().trim();
        if (!s.isEmpty() && s.chars().allMatch(Character::isDigit) && s.length() <= 18) {
            return Instant.ofEpochMilli(Long.parseLong(s));
        }
        try {
            return Iso.parse(s);
        } catch (DateTimeParseException notUtc) {
            try {
                return OffsetDateTime.parse(s).toInstant();
            } catch (DateTimeParseException e) {
                throw error(Reason.BAD_TIMESTAMP, field, "expected ISO-8601 UTC (e.g. 2025-10-06T10:00:00.123Z) or epoch milliseconds, got " + shown(v));
            }
        }
    }

    String text(String field) {
        JsonNode v = required(field);
        if (!v.isTextual()) {
            throw wrongType(field, "a string", v);
        }
        return v.asText();
    }

    String optText(String field) {
        return has(field) ? text(field) : null;
    }

    String textOr(String field, String dflt) {
        return has(field) ? text(field) : dflt;
    }

    double number(String field) {
        JsonNode v = required(field);
        if (!v.isNumber()) {
            throw wrongType(field, "a number", v);
        }
        return v.asDouble();
    }

    int integer(String field) {
        JsonNode v = required(field);
        if (!v.isNumber() || v.isFloatingPointNumber() && v.asDouble() != Math.rint(v.asDouble())) {
            throw wrongType(field, "an integer", v);
        }
        if (v.isIntegralNumber() ? !v.canConvertToInt() : Math.abs(v.asDouble()) > Integer.MAX_VALUE) {
            throw error(Reason.INVALID_VALUE, field, "out of range, got " + shown(v));
        }
        return v.asInt();
    }

    Integer optInteger(String field) {
        return has(field) ? integer(field) : null;
    }

    long longOr(String field, long dflt) {
        if (!has(field)) {
            return dflt;
        }
        JsonNode v = node.get(field);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw wrongType(field, "an integer", v);
        }
        return v.asLong();
    }

    <E extends Enum<E>> E symbol(String field, Class<E> type) {
        JsonNode v = required(field);
        if (!v.isTextual()) {
            throw wrongType(field, "one of " + symbols(type), v);
        }
        try {
            return Enum.valueOf(type, v.asText());
        } catch (IllegalArgumentException e) {
            throw error(Reason.UNKNOWN_ENUM, field, "unknown value " + shown(v) + ", expected one of " + symbols(type));
        }
    }

    /** An object of scalar values, read as strings (a label {@code "port":5432} becomes "5432"); absent gives {}. */
    Map<String, String> stringMap(String field) {
        Map<String, String> out = new LinkedHashMap<>();
        if (!has(field)) {
            return out;
        }
        JsonNode v = node.get(field);
        if (!v.isObject()) {
            throw wrongType(field, "an object of strings", v);
        }
        for (Map.Entry<String, JsonNode> e : v.properties()) {
            JsonNode item = e.getValue();
            if (!item.isValueNode() || item.isNull()) {
                throw wrongType(field + "." + e.getKey(), "a string", item);
            }
            out.put(e.getKey(), item.asText());
        }
        return out;
    }

    JsonFormException error(Reason reason, String field, String detail) {
        return new JsonFormException(reason, field, line, detail);
    }

    private JsonNode required(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw error(Reason.MISSING_FIELD, field, "missing (required)");
        }
        return v;
    }

    private JsonFormException wrongType(String field, String expected, JsonNode got) {
        return error(Reason.WRONG_TYPE, field, "expected " + expected + ", got " + shown(got));
    }

    private static String shown(JsonNode v) {
        String s = v.toString();
        return s.length() <= 60 ? s : s.substring(0, 60) + "...";
    }

    private static <E extends Enum<E>> String symbols(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", "));
    }
}
