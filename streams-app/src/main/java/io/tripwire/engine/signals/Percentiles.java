package io.tripwire.engine.signals;

import org.HdrHistogram.Histogram;

import java.util.List;

/**
 * Nearest-rank percentiles of a latency window: the smallest recorded value such that at least
 * p% of the values are at or below it, reported as the upper edge of its HdrHistogram bucket
 * (so within 0.1% above the exact value with 3 significant digits).
 *
 * @param count requests in the window
 * @param p95ms 95th percentile, milliseconds
 * @param p99ms 99th percentile, milliseconds
 */
public record Percentiles(long count, double p95ms, double p99ms) {

    public static Percentiles of(Histogram micros) {
        long n = micros.getTotalCount();
        return new Percentiles(n, nearestRank(micros, 95.0), nearestRank(micros, 99.0));
    }

    /**
     * Nearest-rank percentile in milliseconds of a histogram of microseconds. HdrHistogram's
     * {@code getValueAtPercentile} is exactly this (rank = ceil(p/100 · n), the first bucket whose
     * cumulative count reaches it, its highest equivalent value) in a plain loop over the counts,
     * several times faster than walking the recorded values; {@code PercentilesAccuracyTest} pins it.
     */
    public static double nearestRank(Histogram micros, double percentile) {
        if (micros.getTotalCount() == 0) {
            return Double.NaN;
        }
        return micros.getValueAtPercentile(percentile) / 1000.0;
    }

    /**
     * The nearest-rank percentile (µs, the upper edge of its bucket) of the histogram
     * {@code Σ plus − Σ minus}, read from the histograms in place; -1 when that histogram is empty.
     * Exactly what {@code getValueAtPercentile} gives for the histogram one would get by adding the
     * {@code plus} ones and {@code subtract}ing the {@code minus} ones, without building it: for the
     * canary judgement's τ (the baseline's part of a window is all requests less the canary's and the
     * rest's minutes) adding and subtracting whole histograms was a pass over every bucket of each,
     * where this reads only the window's tail, from its top down to the percentile.
     *
     * <p>Every histogram has {@link HistogramSerde}'s layout (the same buckets, whatever range it grew
     * to), and the difference must be a histogram: no bucket holds more in {@code minus} than in
     * {@code plus}, as when {@code minus} are parts of what {@code plus} recorded. Cost: the count of
     * the tail above the percentile, chunk by chunk (a chunk an eighth of its values wide), then a
     * bisection of the chunk that holds it, each step one range count per histogram.
     */
    public static long nearestRankMicros(List<Histogram> plus, List<Histogram> minus, double percentile) {
        if (!(percentile > 0.0 && percentile <= 100.0)) {
            throw new IllegalArgumentException("percentile must be in (0, 100], was " + percentile);
        }
        long n = 0;
        long top = -1;
        Histogram layout = null;
        for (Histogram h : plus) {
            n += h.getTotalCount();
            if (h.getTotalCount() > 0) {
                top = Math.max(top, h.getMaxValue());
                layout = h;
            }
        }
        for (Histogram h : minus) {
            n -= h.getTotalCount();
        }
        if (n <= 0) {
            return -1;
        }
        // HdrHistogram's rank, to the bit: ceil(nextAfter(p, -inf) · n / 100), at least 1
        double requested = Math.min(Math.max(Math.nextAfter(percentile, Double.NEGATIVE_INFINITY), 0.0), 100.0);
        long rank = Math.max(1, (long) Math.ceil((requested * n) / 100.0));
        // the answer is the lowest bucket with at most n - rank values above it: found from the top
        long allowedAbove = n - rank;
        long above = 0;
        long hi = top; // always the top of a bucket
        while (hi >= 0) {
            long lo = layout.lowestEquivalentValue(hi - (hi >> 3));
            long c = count(plus, minus, lo, hi);
            if (above + c <= allowedAbove) {
                above += c;
                hi = lo - 1;
                continue;
            }
            while (layout.lowestEquivalentValue(hi) != lo) { // [lo, hi] spans buckets: keep the half that holds it
                long mid = layout.lowestEquivalentValue(lo + (hi - lo + 1) / 2);
                if (mid <= lo) {
                    mid = layout.nextNonEquivalentValue(lo);
                }
                long upper = count(plus, minus, mid, hi);
                if (above + upper <= allowedAbove) {
                    above += upper;
                    hi = mid - 1;
                } else {
                    lo = mid;
                }
            }
            return layout.highestEquivalentValue(lo);
        }
        throw new IllegalStateException("the histograms subtracted hold more than the ones added (" + n + " values left, none found)");
    }

    /** Values in the buckets [lo, hi] of Σ plus − Σ minus. */
    private static long count(List<Histogram> plus, List<Histogram> minus, long lo, long hi) {
        long c = 0;
        for (Histogram h : plus) {
            c += count(h, lo, hi);
        }
        for (Histogram h : minus) {
            c -= count(h, lo, hi);
        }
        return c;
    }

    private static long count(Histogram h, long lo, long hi) {
        if (h.getTotalCount() == 0 || lo > h.getMaxValue()) {
            return 0; // getCountBetweenValues would clamp a value past the counts to the last bucket
        }
        return h.getCountBetweenValues(lo, Math.min(hi, h.getMaxValue()));
    }

    /** The percentile this record holds: 95 or 99. */
    public double at(int percentile) {
        return switch (percentile) {
            case 95 -> p95ms;
            case 99 -> p99ms;
            default -> throw new IllegalArgumentException("percentile " + percentile + " is not kept (95 or 99)");
        };
    }
}
