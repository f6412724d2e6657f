package io.tripwire.observability;

import java.util.Objects;

/**
 * What {@code GET /health} answers: up (200) or down (503), with a short detail for a human
 * ("RUNNING", "no partitions assigned"). The detail is shown to anyone who can reach the port, so
 * it must never carry secrets (no config values, no exception messages with credentials).
 */
public record Health(boolean up, String detail) {

    public Health {
        Objects.requireNonNull(detail, "detail");
    }

    public static Health up(String detail) {
        return new Health(true, detail);
    }

    public static Health down(String detail) {
        return new Health(false, detail);
    }

    /** The JSON body: {@code {"status":"UP","detail":"..."}}. */
    public String json() {
        return "{\"status\":\"" + (up ? "UP" : "DOWN") + "\",\"detail\":\"" + escape(detail) + "\"}";
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
