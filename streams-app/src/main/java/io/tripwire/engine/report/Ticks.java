package io.tripwire.engine.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Readable axis ticks: round values (1, 2, 5 × 10^k), whole decades for a log axis, and round UTC
 * times, and how to print them.
 */
final class Ticks {

    /** A value axis: where a value sits on it, its ticks and their labels. */
    interface Axis {

        List<Double> ticks();

        String label(double v);

        /** Where {@code v} sits: 0 at the bottom of the plot, 1 at the top. */
        double fraction(double v);
    }

    /** A linear value axis: its ends (multiples of {@code step}) and the decimals its labels need. */
    record Scale(double min, double max, double step, int decimals) implements Axis {

        @Override
        public List<Double> ticks() {
            List<Double> out = new ArrayList<>();
            long n = Math.round((max - min) / step);
            for (long i = 0; i <= n; i++) {
                out.add(min + i * step);
            }
            return out;
        }

        @Override
        public String label(double v) {
            return BigDecimal.valueOf(v).setScale(decimals, RoundingMode.HALF_UP).toPlainString();
        }

        @Override
        public double fraction(double v) {
            return (v - min) / (max - min);
        }
    }

    /**
     * A log axis from 10^{@code low} to 10^{@code high}, a tick every {@code step} decades, labelled
     * as powers of ten. Its values can run far past any readable range (an e-value goes from below
     * 1 to 1e300 and overflows), so it is cut: a value beyond an end sits on that end.
     */
    record Decades(int low, int high, int step) implements Axis {

        @Override
        public List<Double> ticks() {
            List<Double> out = new ArrayList<>();
            for (int k = low; k <= high; k += step) {
                out.add(Math.pow(10, k));
            }
            return out;
        }

        @Override
        public String label(double v) {
            return power((int) Math.round(Math.log10(v)));
        }

        @Override
        public double fraction(double v) {
            // 0 (an e-value that underflowed) and below sit on the bottom, +infinity on the top
            double f = v > 0 ? (Math.log10(v) - low) / (high - low) : 0;
            return Math.max(0, Math.min(1, f));
        }

        /** Whether {@code v} is beyond an end of the axis, so drawn on it rather than at its value. */
        boolean cuts(double v) {
            return v < Math.pow(10, low) || v > Math.pow(10, high);
        }
    }

    private static final long SECOND = 1000;
    private static final long MINUTE = 60 * SECOND;
    private static final long HOUR = 60 * MINUTE;
    private static final long DAY = 24 * HOUR;
    private static final long[] TIME_STEPS = {10 * SECOND, 30 * SECOND, MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE,
            15 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 14 * DAY, 28 * DAY};
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY_TIME = DateTimeFormatter.ofPattern("MM-dd HH:mm").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter TIME_SECONDS = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter FULL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
    private static final String SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹";

    private Ticks() {
    }

    /** Short text of a number for labels: 350, 0.6, 14.4, 0.005, 412.3. */
    static String number(double x) {
        if (!Double.isFinite(x)) {
            return Double.isNaN(x) ? "n/a" : (x > 0 ? "∞" : "−∞");
        }
        if (x == 0) {
            return "0";
        }
        return new BigDecimal(x).round(new MathContext(4)).stripTrailingZeros().toPlainString();
    }

    /** A value axis covering [lo, hi] with about {@code target} round steps. */
    static Scale values(double lo, double hi, int target) {
        if (!(hi > lo)) {
            double pad = lo == 0 ? 1 : Math.abs(lo) * 0.1;
            lo -= pad;
            hi += pad;
        }
        double step = niceStep((hi - lo) / target);
        double min = Math.floor(lo / step) * step;
        double max = Math.ceil(hi / step) * step;
        int decimals = Math.max(0, (int) -Math.floor(Math.log10(step) + 1e-9));
        return new Scale(min, max, step, decimals);
    }

    /**
     * A log axis covering [lo, hi] in whole decades, but no further than 10^{@code floor} ..
     * 10^{@code ceiling}, with about {@code target} ticks; its ends are multiples of the step, so
     * the ticks are round powers (1, 10², 10⁴, ...).
     */
    static Decades decades(double lo, double hi, int floor, int ceiling, int target) {
        int low = Math.max(floor, Math.min(ceiling - 1, lo > 0 ? (int) Math.floor(Math.log10(lo)) : floor));
        int high = Math.min(ceiling, Math.max(low + 1, hi > 0 ? (int) Math.ceil(Math.log10(hi)) : low + 1));
        int step = Math.max(1, (int) Math.ceil((high - low) / (double) target));
        return new Decades(Math.floorDiv(low, step) * step, -Math.floorDiv(-high, step) * step, step);
    }

    /** 10 to the power {@code k}, with a superscript exponent: 10⁻², 10⁰, 10⁶. */
    static String power(int k) {
        StringBuilder b = new StringBuilder("10");
        for (char c : Integer.toString(k).toCharArray()) {
            b.append(c == '-' ? '⁻' : SUPERSCRIPTS.charAt(c - '0'));
        }
        return b.toString();
    }

    private static double niceStep(double raw) {
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / mag;
        double nice = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10; // nearest round step, not the next larger
        return nice * mag;
    }

    /** The smallest round time step giving at most {@code maxTicks} ticks over [from, to]. */
    static long timeStep(long from, long to, int maxTicks) {
        for (long s : TIME_STEPS) {
            if ((to - from) / s <= maxTicks) {
                return s;
            }
        }
        return TIME_STEPS[TIME_STEPS.length - 1];
    }

    /** Multiples of {@code step} since the epoch (so: round UTC times) inside [from, to]. */
    static List<Long> times(long from, long to, long step) {
        List<Long> out = new ArrayList<>();
        for (long t = Math.floorDiv(from + step - 1, step) * step; t <= to; t += step) {
            out.add(t);
        }
        return out;
    }

    /** A tick label: the date when it changes from the previous tick (or at the first), then the time. */
    static String timeLabel(long t, long step, Long previous) {
        Instant i = Instant.ofEpochMilli(t);
        if (step >= DAY) {
            return DATE.format(i);
        }
        boolean newDay = previous == null || Math.floorDiv(previous, DAY) != Math.floorDiv(t, DAY);
        if (step < MINUTE) {
            return (newDay ? DAY_TIME.format(i).substring(0, 6) : "") + TIME_SECONDS.format(i);
        }
        return newDay ? DAY_TIME.format(i) : TIME.format(i);
    }

    /** A full UTC time for titles and tables: 2025-10-06 10:11:00 UTC. */
    static String full(long t) {
        return FULL.format(Instant.ofEpochMilli(t));
    }
}
