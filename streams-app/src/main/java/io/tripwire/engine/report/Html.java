package io.tripwire.engine.report;

/**
 * Escaping of data for the report page. Every string that comes from input (tenants, scopes,
 * reasons, dead-letter errors) goes through {@link #esc} before it reaches HTML or SVG, in text
 * and in attribute values alike.
 */
final class Html {

    private Html() {
    }

    /** Text safe in element content and in double- or single-quoted attribute values; null reads as empty. */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> {
                    // control characters other than tab/newline are not allowed in HTML text
                    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                        b.append('\uFFFD');
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
