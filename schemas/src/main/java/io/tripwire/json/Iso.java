package io.tripwire.json;

import java.time.Instant;

/**
 * The common spelling of an event time, {@code 2025-10-06T10:00:00Z} or with 1 to 9 fraction
 * digits, read without {@code DateTimeFormatter} (a fifth of the time of reading a JSON line went
 * there). Anything else, or any field out of range, gives null and the caller's full ISO-8601
 * parse decides, so this only ever agrees with {@link Instant#parse}; {@code IsoTest} checks that.
 */
public final class Iso {

    private static final int[] DAYS_BEFORE_MONTH = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};

    private Iso() {
    }

    /**
     * {@link Instant#parse}, with the common spelling read by {@link #utc} first.
     *
     * @throws java.time.format.DateTimeParseException as {@link Instant#parse} does
     */
    public static Instant parse(String s) {
        Instant fast = utc(s);
        return fast != null ? fast : Instant.parse(s);
    }

    /** The instant, or null when {@code s} is not exactly {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z} with fields in range. */
    public static Instant utc(String s) {
        int n = s.length();
        if (n < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
                || s.charAt(16) != ':' || s.charAt(n - 1) != 'Z') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour < 0 || hour > 23
                || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return null; // including leap seconds: Instant.parse has its own rule for 23:59:60
        }
        int nanos = 0;
        if (n > 20) {
            int digits = n - 21;
            if (s.charAt(19) != '.' || digits < 1 || digits > 9) {
                return null;
            }
            int f = digits(s, 20, digits);
            if (f < 0) {
                return null;
            }
            for (int i = digits; i < 9; i++) {
                f *= 10;
            }
            nanos = f;
        }
        long days = daysSinceEpoch(year, month, day);
        return Instant.ofEpochSecond(days * 86_400L + hour * 3_600L + minute * 60L + second, nanos);
    }

    /** The number of {@code len} decimal digits at {@code from}, or -1. */
    private static int digits(String s, int from, int len) {
        int v = 0;
        for (int i = from; i < from + len; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static boolean leap(int year) {
        return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    }

    private static int daysIn(int year, int month) {
        return switch (month) {
            case 2 -> leap(year) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    private static long daysSinceEpoch(int year, int month, int day) {
        long y = year - 1;
        long days = 365 * y + Math.floorDiv(y, 4) - Math.floorDiv(y, 100) + Math.floorDiv(y, 400); // days before 1 Jan of year, from 0001
        days += DAYS_BEFORE_MONTH[month - 1] + (month > 2 && leap(year) ? 1 : 0) + (day - 1);
        return days - 719_162; // days from 0001-01-01 to 1970-01-01
    }
}
