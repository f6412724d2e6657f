package io.tripwire.engine.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** Readable axis ticks: round values (1, 2, 5 × 10^k) and round UTC times, and how to print them. */
final class Ticks {

    /** A value axis: its ends (multiples of {@code step}) and the decimals its labels need. */
    record Scale(double min, double max, double step, int decimals) {

        List<Double> ticks() {
            List<Double> out = new ArrayList<>();
            long n = Math.round((max - min) / step);
            for (long i = 0; i <= n; i++) {
                out.add(min + i * step);
            }
            return out;
        }

        String label(double v) {
            return BigDecimal.valueOf(v).setScale(decimals, RoundingMode.HALF_UP).toPlainString();
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
