package io.tripwire.engine.signals;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.Random;
import java.util.function.DoubleSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Percentage.withPercentage;

/**
 * p95 and p99 from minute buckets (recorded, encoded as the store does, decoded, merged) are within
 * 1% of the exact nearest-rank percentile of the raw values, on light- and heavy-tailed data.
 */
class PercentilesAccuracyTest {

    private static double[] sample(String distribution, long seed, int n) {
        Random r = new Random(seed);
        DoubleSupplier next = switch (distribution) {
            case "uniform" -> () -> 5 + r.nextDouble() * 995;                       // 5..1000 ms
            case "lognormal" -> () -> 120 * Math.exp(0.6 * r.nextGaussian());        // median 120 ms
            case "pareto" -> () -> 20 / Math.pow(1 - r.nextDouble(), 1 / 1.2);       // heavy tail, alpha 1.2
            case "bimodal" -> () -> r.nextDouble() < 0.9 ? 40 + 10 * r.nextGaussian() : 900 + 200 * r.nextDouble();
            default -> throw new IllegalArgumentException(distribution);
        };
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = Math.max(0, Math.round(next.getAsDouble() * 1000) / 1000.0); // µs resolution, as recorded
        }
        return v;
    }

    private static double exactNearestRank(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(rank, 1) - 1];
    }

    @ParameterizedTest
    @ValueSource(strings = {"uniform", "lognormal", "pareto", "bimodal"})
    void isExactlyTheBucketOfTheExactNearestRankValue(String distribution) {
        // bucketing is monotone, so the nearest rank over buckets is the bucket of the raw nearest-rank value;
        // sizes around multiples of 20 and 100 put the rank exactly on a value
        for (int n : new int[] {1, 2, 19, 20, 21, 99, 100, 101, 1999, 2000, 2001, 4321}) {
            double[] v = sample(distribution, n, n);
            Histogram h = HistogramSerde.newHistogram();
            for (double x : v) {
                h.recordValue(Math.round(x * 1000.0));
            }
            for (double p : new double[] {95, 99}) {
                long exactMicros = Math.round(exactNearestRank(v, p) * 1000.0);
                assertThat(Percentiles.nearestRank(h, p)).as("%s n=%d p%s", distribution, n, p)
                        .isEqualTo(h.highestEquivalentValue(exactMicros) / 1000.0);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"uniform", "lognormal", "pareto", "bimodal"})
    void p95AndP99OfFiveMinuteBucketsAreWithinOnePercentOfExact(String distribution) {
        HistogramSerde serde = new HistogramSerde();
        for (long seed = 1; seed <= 20; seed++) {
            double[] values = sample(distribution, seed, 5_000 + (int) seed * 137);
            // five minute buckets, each through the store's encoding, merged like a window
            Histogram merged = HistogramSerde.newHistogram();
            int perMinute = values.length / 5 + 1;
            for (int m = 0; m < 5; m++) {
                Histogram bucket = HistogramSerde.newHistogram();
                for (int i = m * perMinute; i < Math.min(values.length, (m + 1) * perMinute); i++) {
                    bucket.recordValue(Math.round(values[i] * 1000.0));
                }
                merged.add(serde.deserializer().deserialize("t", serde.serializer().serialize("t", bucket)));
            }
            Percentiles p = Percentiles.of(merged);
            assertThat(p.count()).isEqualTo(values.length);
            assertThat(p.p95ms()).as("%s seed %d p95", distribution, seed).isCloseTo(exactNearestRank(values, 95), withPercentage(1));
            assertThat(p.p99ms()).as("%s seed %d p99", distribution, seed).isCloseTo(exactNearestRank(values, 99), withPercentage(1));
            // and in fact within HdrHistogram's 3 significant digits
            assertThat(p.p95ms()).isCloseTo(exactNearestRank(values, 95), withPercentage(0.1));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 19, 20, 21, 100})
    void smallWindowsUseTheNearestRankNotAnInterpolation(int n) {
        Histogram h = HistogramSerde.newHistogram();
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = 100 + 10 * i;
            h.recordValue(Math.round(values[i] * 1000));
        }
        assertThat(Percentiles.of(h).p95ms()).isCloseTo(exactNearestRank(values, 95), withPercentage(0.1));
    }
}
