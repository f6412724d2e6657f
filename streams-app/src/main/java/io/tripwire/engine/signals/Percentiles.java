package io.tripwire.engine.signals;

import org.HdrHistogram.Histogram;

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

    /** The percentile this record holds: 95 or 99. */
    public double at(int percentile) {
        return switch (percentile) {
            case 95 -> p95ms;
            case 99 -> p99ms;
            default -> throw new IllegalArgumentException("percentile " + percentile + " is not kept (95 or 99)");
        };
    }
}
