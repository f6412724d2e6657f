package io.tripwire.engine.report;

import io.tripwire.engine.report.Downsampler.Point;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The report's axes and thinning: round ticks, UTC time labels, spikes kept when a series is thinned. */
class ReportAxesTest {

    private static long at(String iso) {
        return Instant.parse(iso).toEpochMilli();
    }

    @Test
    void valueTicksAreRoundStepsCoveringTheRange() {
        Ticks.Scale s = Ticks.values(0, 560, 5);
        assertThat(s.ticks()).containsExactly(0.0, 100.0, 200.0, 300.0, 400.0, 500.0, 600.0);
        assertThat(s.label(300)).isEqualTo("300");
    }

    @Test
    void aNarrowBandNearOneGetsDecimalsEnoughToTellTicksApart() {
        Ticks.Scale s = Ticks.values(0.98, 1.0, 5);
        assertThat(s.ticks().stream().map(s::label)).containsExactly("0.980", "0.985", "0.990", "0.995", "1.000");
    }

    @Test
    void aFlatLineStillGetsAnAxis() {
        Ticks.Scale s = Ticks.values(5, 5, 5);
        assertThat(s.min()).isLessThan(5);
        assertThat(s.max()).isGreaterThan(5);
    }

    @Test
    void aLogAxisIsTickedInWholeDecadesLabelledAsPowersOfTenAndCutAtItsLimits() {
        // e-values from 0.0002 to past 1e300 (and infinity), a level of 100: cut to 10⁻² .. 10⁶, a tick every two decades
        Ticks.Decades wide = Ticks.decades(0.0002, Double.POSITIVE_INFINITY, -2, 6, 5);
        assertThat(wide).isEqualTo(new Ticks.Decades(-2, 6, 2));
        assertThat(wide.ticks().stream().map(wide::label)).containsExactly("10⁻²", "10⁰", "10²", "10⁴", "10⁶");
        assertThat(wide.fraction(100)).isEqualTo(0.5);
        assertThat(List.of(1e300, Double.MAX_VALUE, Double.POSITIVE_INFINITY)).allMatch(v -> wide.fraction(v) == 1 && wide.cuts(v));
        assertThat(List.of(0.001, 0.0)).allMatch(v -> wide.fraction(v) == 0 && wide.cuts(v));
        assertThat(wide.cuts(1e6)).isFalse();
        // within the limits the axis follows the data: 0.3 .. 100 is 10⁻¹ .. 10², a tick per decade
        Ticks.Decades narrow = Ticks.decades(0.3, 100, -2, 6, 5);
        assertThat(narrow.ticks().stream().map(narrow::label)).containsExactly("10⁻¹", "10⁰", "10¹", "10²");
        assertThat(Ticks.power(-12)).isEqualTo("10⁻¹²");
    }

    @Test
    void numbersReadShort() {
        assertThat(List.of(350.0, 0.6, 14.4, 0.005, 0.999, 412.345, 0.0, 60.0)).map(Ticks::number)
                .containsExactly("350", "0.6", "14.4", "0.005", "0.999", "412.3", "0", "60");
        assertThat(Ticks.number(Double.NaN)).isEqualTo("n/a");
    }

    @Test
    void timeTicksAreRoundUtcTimesWithTheDateWhereItChanges() {
        long from = at("2025-10-06T22:52:00Z");
        long to = at("2025-10-07T01:10:00Z");
        long step = Ticks.timeStep(from, to, 10);
        assertThat(step).isEqualTo(15 * 60_000L);
        List<String> labels = new ArrayList<>();
        Long previous = null;
        for (long t : Ticks.times(from, to, step)) {
            labels.add(Ticks.timeLabel(t, step, previous));
            previous = t;
        }
        assertThat(labels).startsWith("10-06 23:00", "23:15", "23:30", "23:45", "10-07 00:00", "00:15");
        assertThat(Ticks.full(at("2025-10-06T10:11:00Z"))).isEqualTo("2025-10-06 10:11:00 UTC");
    }

    @Test
    void aMonthIsTickedInDays() {
        long step = Ticks.timeStep(at("2025-10-01T00:00:00Z"), at("2025-10-31T00:00:00Z"), 10);
        assertThat(step).isEqualTo(7 * 86_400_000L);
        assertThat(Ticks.timeLabel(at("2025-10-09T00:00:00Z"), step, null)).isEqualTo("2025-10-09");
    }

    @Test
    void aShortSeriesIsDrawnAsItIs() {
        List<Point> points = List.of(new Point(1, 1), new Point(2, 5), new Point(3, 2));
        assertThat(Downsampler.minMax(points, 1000)).isEqualTo(points);
    }

    @Test
    void thinningKeepsEachBucketsLowAndHighSoSpikesAndDipsSurvive() {
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            double v = i == 31_337 ? 900 : i == 77_777 ? -50 : 10 + (i % 5);
            points.add(new Point(i * 60_000L, v));
        }
        List<Point> thin = Downsampler.minMax(points, 1000);
        assertThat(thin).hasSizeLessThanOrEqualTo(1000).hasSizeGreaterThan(900)
                .contains(new Point(31_337 * 60_000L, 900), new Point(77_777 * 60_000L, -50));
        assertThat(thin).isSortedAccordingTo((a, b) -> Long.compare(a.at(), b.at()));
    }

    @Test
    void thinningKeepsGapsAsBreaksInTheLine() {
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            points.add(new Point(i, i >= 2000 && i < 2100 ? Double.NaN : 1));
        }
        List<Point> thin = Downsampler.minMax(points, 1000);
        assertThat(thin).anyMatch(Point::gap);
        assertThat(thin.stream().filter(p -> !p.gap())).hasSizeLessThanOrEqualTo(1000);
    }
}
