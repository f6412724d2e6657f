package io.tripwire.json;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * The one canonical JSON writer of the project: object keys sorted (by UTF-16 code units), no
 * whitespace, numbers written the same whatever their Java type. Ids and signatures are computed
 * over its output, so an action read back from Avro or from JSON gives the same bytes.
 *
 * <p>Numbers: an integral value in the range of {@code long} is written as an integer ({@code 72.0}
 * and {@code 72} both give {@code 72}); any other finite double is written in plain decimal
 * notation without trailing zeros ({@code 0.5442}). NaN and infinities are refused: JSON has no
 * form for them.
 *
 * <p>Accepted values: {@code null}, {@link Boolean}, {@link Number}, {@link CharSequence},
 * {@link Map} (keys as strings), {@link Collection}, and enums (written by name).
 */
public final class CanonicalJson {

    private CanonicalJson() {
    }

    /** Returns the canonical JSON text of {@code value}. */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder(128);
        append(out, value);
        return out.toString();
    }

    private static void append(StringBuilder out, Object value) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof Boolean b) {
            out.append(b.booleanValue());
        } else if (value instanceof Number n) {
            out.append(number(n));
        } else if (value instanceof CharSequence || value instanceof Enum<?>) {
            quote(out, value.toString());
        } else if (value instanceof Map<?, ?> map) {
            TreeMap<String, Object> sorted = new TreeMap<>();
            map.forEach((k, v) -> sorted.put(String.valueOf(k), v));
            out.append('{');
            boolean first = true;
            for (Map.Entry<String, Object> e : sorted.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                quote(out, e.getKey());
                out.append(':');
                append(out, e.getValue());
            }
            out.append('}');
        } else if (value instanceof Collection<?> list) {
            out.append('[');
            boolean first = true;
            for (Object item : list) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                append(out, item);
            }
            out.append(']');
        } else {
            throw new IllegalArgumentException("canonical JSON cannot write a " + value.getClass().getName());
        }
    }

    /** Canonical text of a number; see the class comment. */
    public static String number(Number n) {
        if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte) {
            return Long.toString(n.longValue());
        }
        double d = n.doubleValue();
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new IllegalArgumentException("canonical JSON has no form for " + d);
        }
        if (d == Math.rint(d) && Math.abs(d) < 9.0e15) {
            return Long.toString((long) d);
        }
        return new BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString();
    }

    private static void quote(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
