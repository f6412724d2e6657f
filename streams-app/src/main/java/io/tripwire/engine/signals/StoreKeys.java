package io.tripwire.engine.signals;

/**
 * State-store keys: parts joined by U+001F (unit separator, never in a tenant id in practice) with
 * minutes zero-padded, so a range scan over one key's minute buckets is a lexicographic range.
 */
public final class StoreKeys {

    public static final char SEP = '\u001f';

    private StoreKeys() {
    }

    public static String of(String a, String b) {
        return a + SEP + b; // on the hot path: one concatenation, no varargs array or joiner
    }

    public static String of(String a, String b, String c) {
        return a + SEP + b + SEP + c;
    }

    /** Key of one minute bucket under {@code prefix}. */
    public static String minute(String prefix, long minute) {
        String digits = Long.toString(minute);
        StringBuilder b = new StringBuilder(prefix.length() + 13).append(prefix).append(SEP);
        for (int i = digits.length(); i < 12; i++) {
            b.append('0'); // String.format would compile a regex on every call: this is the hot path
        }
        return b.append(digits).toString();
    }

    /** The minute of a bucket key made by {@link #minute}. */
    public static long minuteOf(String key) {
        return Long.parseLong(key.substring(key.lastIndexOf(SEP) + 1));
    }
}
