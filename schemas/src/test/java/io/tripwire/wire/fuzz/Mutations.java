package io.tripwire.wire.fuzz;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;

/** Mutations of valid inputs for {@link DecoderFuzzTest}; each names what it did, for the failure message. */
final class Mutations {

    /** A mutated input and a short description of the mutation. */
    record Case<T>(String how, T input) {
    }

    private Mutations() {
    }

    // ---- bytes ----------------------------------------------------------------------------------

    static byte[] randomBytes(SplittableRandom rnd, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) rnd.nextInt(256);
        }
        if (rnd.nextBoolean() && n > 0) {
            b[0] = 0; // get past the magic byte check half the time
        }
        return b;
    }

    /** One to three stacked byte-level mutations of {@code seed}. */
    static Case<byte[]> bytes(byte[] seed, SplittableRandom rnd, List<Integer> schemaIds) {
        byte[] b = seed.clone();
        StringBuilder how = new StringBuilder();
        int rounds = 1 + rnd.nextInt(3);
        for (int r = 0; r < rounds; r++) {
            int kind = rnd.nextInt(9);
            switch (kind) {
                case 0 -> {
                    int flips = 1 + rnd.nextInt(4);
                    for (int f = 0; f < flips && b.length > 0; f++) {
                        int at = rnd.nextInt(b.length);
                        b[at] ^= (byte) (1 << rnd.nextInt(8));
                    }
                    how.append("bit-flip x").append(flips);
                }
                case 1 -> {
                    int at = rnd.nextInt(b.length + 1);
                    byte[] ins = randomBytes(rnd, 1 + rnd.nextInt(8));
                    b = splice(b, at, 0, ins);
                    how.append("insert ").append(ins.length).append("@").append(at);
                }
                case 2 -> {
                    if (b.length > 0) {
                        int at = rnd.nextInt(b.length);
                        int n = 1 + rnd.nextInt(Math.min(8, b.length - at));
                        b = splice(b, at, n, new byte[0]);
                        how.append("delete ").append(n).append("@").append(at);
                    }
                }
                case 3 -> {
                    int len = rnd.nextInt(b.length + 1);
                    b = java.util.Arrays.copyOf(b, len);
                    how.append("truncate to ").append(len);
                }
                case 4 -> {
                    // a varint in the body replaced by a huge or negative one (lengths, map counts, enum indexes)
                    if (b.length > 5) {
                        int at = 5 + rnd.nextInt(b.length - 5);
                        byte[] v = varint(rnd.nextBoolean() ? rnd.nextLong() : (rnd.nextBoolean() ? -1 : Integer.MAX_VALUE));
                        b = splice(b, at, 1, v);
                        how.append("varint@").append(at);
                    }
                }
                case 5 -> {
                    if (b.length >= 5) {
                        int id = rnd.nextInt(4) == 0 ? rnd.nextInt() : schemaIds.get(rnd.nextInt(schemaIds.size()));
                        ByteBuffer.wrap(b).put(0, (byte) 0).putInt(1, id);
                        how.append("schema id ").append(id);
                    }
                }
                case 6 -> {
                    if (b.length > 0) {
                        int at = rnd.nextInt(b.length);
                        b[at] = (byte) new int[] {0x00, 0x7f, 0x80, 0xff, 0x01, 0xfe}[rnd.nextInt(6)];
                        how.append("byte@").append(at);
                    }
                }
                case 7 -> {
                    if (b.length > 1) {
                        int at = rnd.nextInt(b.length);
                        int n = 1 + rnd.nextInt(Math.min(16, b.length - at));
                        byte[] dup = java.util.Arrays.copyOfRange(b, at, at + n);
                        b = splice(b, at, 0, dup);
                        how.append("duplicate ").append(n).append("@").append(at);
                    }
                }
                default -> {
                    b = java.util.Arrays.copyOf(b, b.length + 1 + rnd.nextInt(4));
                    how.append("trailing zeros");
                }
            }
            how.append(r + 1 < rounds ? ", " : "");
        }
        return new Case<>(how.toString(), b);
    }

    private static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
        byte[] out = new byte[b.length - remove + insert.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(b, at + remove, out, at + insert.length, b.length - at - remove);
        return out;
    }

    /** Avro's zig-zag varint of {@code n}. */
    static byte[] varint(long n) {
        long z = (n << 1) ^ (n >> 63);
        byte[] buf = new byte[10];
        int i = 0;
        while ((z & ~0x7FL) != 0) {
            buf[i++] = (byte) ((z & 0x7F) | 0x80);
            z >>>= 7;
        }
        buf[i++] = (byte) z;
        return java.util.Arrays.copyOf(buf, i);
    }

    // ---- JSON -----------------------------------------------------------------------------------

    private static final String[] FIELDS = {"type", "ts", "tenant", "service", "op", "status", "latencyMs", "region", "route",
            "requestId", "name", "value", "labels", "opId", "mode", "outcome", "decision", "policy", "residencyZone", "dataZone",
            "purpose", "wave", "stepPercent", "previousPercent", "tripwire", "approvalTokenId", "by", "actionId", "decisionId",
            "action", "firedAt", "params", "reason", "evidence", "evidenceId", "signature", "at", "attempts", "durationMs",
            "handler", "detail", "exitCode", "outputDigest", "scope"};

    private static final String[] VALUES = {
            // wrong types
            "\"x\"", "\"\"", "\" \"", "[]", "{}", "[1,2]", "{\"a\":1}", "true", "false", "null", "0", "-1", "1.5", "-0.0",
            // huge and non-finite numbers (ALLOW_NON_NUMERIC_NUMBERS is on)
            "1e400", "-1e400", "1e308", "4.9e-324", "123456789012345678901234567890", "-9223372036854775809",
            "9223372036854775807", "2147483648", "-2147483649", "NaN", "Infinity", "-Infinity", "+Infinity", "-NaN",
            "1" + "0".repeat(1200), "0." + "1".repeat(1200),
            // unicode
            "\"\\u0000\"", "\"\\ud800\"", "\"\\udfff\\ud800\"", "\"\u00e9\u4e2d\ud83d\ude00\"", "\"\\uFEFF\"", "\"\u202e\"",
            // unknown enum symbols
            "\"read\"", "\"DELETE\"", "\"ENACT \"", "\"ALLOW\\u0000\"", "\"MAYBE\"", "\"request \"", "\"REQUEST\"",
            // timestamps
            "\"2025-10-06T10:00:00Z\"", "\"2025-10-06T10:00:00.123456789Z\"", "\"2025-10-06T10:00:00+02:00\"",
            "\"2025-10-06 10:00:00\"", "\"2025-13-40T25:61:61Z\"", "\"yesterday\"", "\"1759744800000\"", "\"-1\"",
            "1759744800000", "1759744800000.5", "-1759744800000", "\"\\u0661\\u0662\\u0663\"", "\"1" + "0".repeat(25) + "\"",
            "1e300", "-1e300", "\"+1000000000-01-01T00:00:00Z\"", "\"-1000000000-01-01T00:00:00Z\"",
            "\"+292278994-08-17T07:12:55.807Z\"", "\"+292278994-08-17T07:12:55.808Z\"", "\"1969-12-31T23:59:59.999Z\"",
    };

    /** One to three stacked mutations of a valid JSON line: field values, structure, or raw text. */
    static Case<String> json(String seed, SplittableRandom rnd) {
        String s = seed;
        StringBuilder how = new StringBuilder();
        int rounds = 1 + rnd.nextInt(3);
        for (int r = 0; r < rounds; r++) {
            int kind = rnd.nextInt(10);
            String field = FIELDS[rnd.nextInt(FIELDS.length)];
            switch (kind) {
                case 0, 1, 2 -> {
                    String v = VALUES[rnd.nextInt(VALUES.length)];
                    s = setField(s, field, v);
                    how.append(field).append("=").append(v.length() > 40 ? v.substring(0, 40) + "..." : v);
                }
                case 3 -> {
                    s = removeField(s, field);
                    how.append("drop ").append(field);
                }
                case 4 -> {
                    int depth = rnd.nextInt(16) == 0 ? 100_000 : 1 + rnd.nextInt(3_000);
                    String v = "[".repeat(depth) + "]".repeat(rnd.nextInt(5) == 0 ? depth - 1 : depth);
                    if (rnd.nextBoolean()) {
                        v = "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
                    }
                    s = setField(s, field, v);
                    how.append(field).append("=nested ").append(depth);
                }
                case 5 -> {
                    if (!s.isEmpty()) {
                        int at = rnd.nextInt(s.length());
                        int n = 1 + rnd.nextInt(Math.min(10, s.length() - at));
                        s = s.substring(0, at) + s.substring(at + n);
                        how.append("cut ").append(n).append("@").append(at);
                    }
                }
                case 6 -> {
                    int at = rnd.nextInt(s.length() + 1);
                    String ins = new String[] {"{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "\u0000", "\ud800", "\ud83d\ude00",
                            " ", "\n", "nul", "tru", "-", "e", "."}[rnd.nextInt(19)];
                    s = s.substring(0, at) + ins + s.substring(at);
                    how.append("insert@").append(at);
                }
                case 7 -> {
                    int len = rnd.nextInt(s.length() + 1);
                    s = s.substring(0, len);
                    how.append("truncate to ").append(len);
                }
                case 8 -> {
                    // a duplicate key, or trailing content after the object
                    s = rnd.nextBoolean() ? s.replaceFirst("\\{", "{\"" + field + "\":" + VALUES[rnd.nextInt(VALUES.length)] + ",")
                            : s + new String[] {" ", "{}", "x", "\n{\"type\":\"request\"}", ",", "]"}[rnd.nextInt(6)];
                    how.append("duplicate/trailing ").append(field);
                }
                default -> {
                    s = new String[] {"", " ", "[]", "null", "42", "\"s\"", "{", "}", "{}", "[{}]", "{\"type\":null}",
                            "{\"type\":\"action\",\"actionId\":\"a\"}", "{\"actionId\":\"a\",\"decisionId\":\"d\"}",
                            "{\"actionId\":\"a\"}"}[rnd.nextInt(14)] + (rnd.nextBoolean() ? "" : s);
                    how.append("replaced");
                }
            }
            how.append(r + 1 < rounds ? ", " : "");
        }
        return new Case<>(how.toString(), s);
    }

    /** Sets {@code field} to the raw JSON {@code value}: replaces its value if present, else adds it first. */
    static String setField(String json, String field, String value) {
        int at = json.indexOf("\"" + field + "\":");
        if (at < 0) {
            int brace = json.indexOf('{');
            return brace < 0 ? json : json.substring(0, brace + 1) + "\"" + field + "\":" + value + ","
                    + json.substring(brace + 1);
        }
        int start = at + field.length() + 3;
        int end = valueEnd(json, start);
        return json.substring(0, start) + value + json.substring(end);
    }

    static String removeField(String json, String field) {
        int at = json.indexOf("\"" + field + "\":");
        if (at < 0) {
            return json;
        }
        int end = valueEnd(json, at + field.length() + 3);
        if (end < json.length() && json.charAt(end) == ',') {
            end++;
        }
        return json.substring(0, at) + json.substring(end);
    }

    /** End (exclusive) of the JSON value starting at {@code start}: scans strings and nesting, tolerant of junk. */
    private static int valueEnd(String json, int start) {
        int depth = 0;
        boolean inString = false;
        for (int i = start; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                    if (depth == 0) {
                        return i + 1;
                    }
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                if (depth == 0) {
                    return i;
                }
                depth--;
                if (depth == 0) {
                    return i + 1;
                }
            } else if (c == ',' && depth == 0) {
                return i;
            }
        }
        return json.length();
    }
}
