package io.tripwire.engine.signals;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

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
        return new Percentiles(micros.getTotalCount(), nearestRank(micros, 95.0), nearestRank(micros, 99.0));
    }

    /** Nearest-rank percentile in milliseconds of a histogram of microseconds. */
    public static double nearestRank(Histogram micros, double percentile) {
        long n = micros.getTotalCount();
        if (n == 0) {
            return Double.NaN;
        }
        long rank = (long) Math.ceil(percentile / 100.0 * n);
        long seen = 0;
        for (HistogramIterationValue v : micros.recordedValues()) {
            seen += v.getCountAtValueIteratedTo();
            if (seen >= rank) {
                return micros.highestEquivalentValue(v.getValueIteratedTo()) / 1000.0;
            }
        }
        return micros.getMaxValue() / 1000.0;
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
