package io.tripwire.engine.signals;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.LongSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link Percentiles#nearestRankMicros} reads the percentile of Σ plus − Σ minus in place; it must
 * be exactly HdrHistogram's {@code getValueAtPercentile} of the histogram built by {@code add} and
 * {@code subtract}, for windows shaped like the canary judgement's (all requests of five minutes,
 * less the canary's and the rest's minutes, less whole minutes before the stage, plus the baseline
 * recorded apart in them), on light and heavy tails, and histograms grown to different ranges.
 */
class PercentilesDifferenceTest {

    private static final double[] PERCENTILES = {0.1, 1, 50, 90, 95, 99, 99.9, 100};

    private static LongSupplier micros(String distribution, Random r) {
        return switch (distribution) {
            case "lognormal" -> () -> Math.round(120_000 * Math.exp(0.6 * r.nextGaussian()));
            case "pareto" -> () -> Math.round(20_000 / Math.pow(1 - r.nextDouble(), 1 / 1.1)); // up to hours
            case "bimodal" -> () -> r.nextDouble() < 0.9 ? Math.max(0, Math.round(40_000 + 10_000 * r.nextGaussian())) : 900_000 + r.nextInt(200_000);
            case "small" -> () -> r.nextInt(3_000); // unit-wide buckets and the first doubling
            case "ties" -> () -> 1_000L * (1 + r.nextInt(4)); // few distinct values: the rank often on a boundary
            default -> throw new IllegalArgumentException(distribution);
        };
    }

    private static long expected(List<Histogram> plus, List<Histogram> minus, double p) {
        Histogram h = HistogramSerde.newHistogram();
        plus.forEach(h::add);
        minus.forEach(h::subtract);
        return h.getTotalCount() == 0 ? -1 : h.getValueAtPercentile(p);
    }

    @ParameterizedTest
    @ValueSource(strings = {"lognormal", "pareto", "bimodal", "small", "ties"})
    void isHdrHistogramsPercentileOfTheSubtractedHistogram(String distribution) {
        Random r = new Random(distribution.hashCode());
        int checked = 0;
        for (int round = 0; round < 300; round++) {
            LongSupplier next = micros(distribution, r);
            int minutes = 1 + r.nextInt(5);
            double canaryShare = r.nextDouble() < 0.2 ? 1.0 : r.nextDouble() * 0.5;
            double restShare = r.nextDouble() < 0.5 ? 0.0 : r.nextDouble() * 0.2;
            int before = r.nextInt(minutes + 1); // minutes before the stage: only their baseline recorded apart counts
            List<Histogram> plus = new ArrayList<>();
            List<Histogram> minus = new ArrayList<>();
            Histogram merged = HistogramSerde.newHistogram();
            plus.add(merged);
            for (int m = 0; m < minutes; m++) {
                Histogram all = HistogramSerde.newHistogram();
                Histogram canary = HistogramSerde.newHistogram();
                Histogram rest = HistogramSerde.newHistogram();
                Histogram pre = HistogramSerde.newHistogram();
                int n = r.nextInt(r.nextBoolean() ? 40 : 400);
                for (int i = 0; i < n; i++) {
                    long v = next.getAsLong();
                    all.recordValue(v);
                    double u = r.nextDouble();
                    if (m < before) {
                        if (u < 0.7) {
                            pre.recordValue(v);
                        }
                    } else if (u < canaryShare) {
                        canary.recordValue(v);
                    } else if (u < canaryShare + restShare) {
                        rest.recordValue(v);
                    }
                }
                merged.add(all);
                if (m < before) {
                    minus.add(all);
                    if (pre.getTotalCount() > 0) {
                        plus.add(pre);
                    }
                } else {
                    for (Histogram h : new Histogram[] {canary, rest}) {
                        if (h.getTotalCount() > 0 || r.nextBoolean()) {
                            minus.add(h); // an empty one is harmless
                        }
                    }
                }
            }
            for (double p : PERCENTILES) {
                assertThat(Percentiles.nearestRankMicros(plus, minus, p))
                        .as("%s round %d p%s (plus %d, minus %d)", distribution, round, p, plus.size(), minus.size())
                        .isEqualTo(expected(plus, minus, p));
                checked++;
            }
        }
        assertThat(checked).isEqualTo(300 * PERCENTILES.length);
    }

    @Test
    void withoutMinusItIsThePercentileOfTheSum() {
        Random r = new Random(7);
        for (int n = 1; n <= 2_001; n += 20) {
            Histogram h = HistogramSerde.newHistogram();
            for (int i = 0; i < n; i++) {
                h.recordValue(1 + r.nextInt(5_000_000));
            }
            for (double p : PERCENTILES) {
                assertThat(Percentiles.nearestRankMicros(List.of(h), List.of(), p)).as("n=%d p%s", n, p).isEqualTo(h.getValueAtPercentile(p));
            }
        }
    }

    @Test
    void nothingLeftIsMinusOne() {
        Histogram all = HistogramSerde.newHistogram();
        all.recordValue(150_000);
        all.recordValue(20);
        Histogram copy = all.copy();
        assertThat(Percentiles.nearestRankMicros(List.of(all), List.of(copy), 95)).isEqualTo(-1);
        assertThat(Percentiles.nearestRankMicros(List.of(HistogramSerde.newHistogram()), List.of(), 95)).isEqualTo(-1);
        assertThat(Percentiles.nearestRankMicros(List.of(), List.of(), 95)).isEqualTo(-1);
    }

    @Test
    void aValueOnlyInMinusIsNotCountedAsTheTopOfAnother() {
        // the minus histogram grew to a larger range than the plus one: its counts past the plus
        // histogram's range must not be read as the plus histogram's last bucket
        Histogram all = HistogramSerde.newHistogram();
        Histogram canary = HistogramSerde.newHistogram();
        for (long v : new long[] {5, 7, 9_000_000_000L, 11}) {
            all.recordValue(v);
        }
        canary.recordValue(9_000_000_000L);
        assertThat(Percentiles.nearestRankMicros(List.of(all), List.of(canary), 100)).isEqualTo(11);
        assertThat(Percentiles.nearestRankMicros(List.of(all), List.of(canary), 50)).isEqualTo(7);
    }

    @Test
    void refusesAPercentileOutsideItsRange() {
        Histogram h = HistogramSerde.newHistogram();
        h.recordValue(1);
        for (double p : new double[] {0, -1, 100.5, Double.NaN}) {
            assertThatThrownBy(() -> Percentiles.nearestRankMicros(List.of(h), List.of(), p)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("percentile");
        }
    }
}
