package io.tripwire.cli.gate;

import io.tripwire.engine.replay.ReplayInput;
import io.tripwire.engine.signals.Series;
import io.tripwire.schemas.MetricSample;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The packet's warm-up check before a wave ("hit% &ge; 92% under the P95 target", issue 26): the minimum of
 * each cache hit ratio series over the window, overall and on every UTC day, against a floor. PASS when
 * every sample of every series is at or over it, FAIL naming the worst series, day and sample otherwise,
 * INCONCLUSIVE when the window holds no sample (a cache that reports nothing has not shown it is warm).
 *
 * <p>Stricter than the {@code cache-hit} tripwire on purpose: the tripwire tolerates a dip shorter than its
 * held-for (a page should not follow every blip), while a wave should only start on a cache that stayed warm.
 */
final class CacheHitCheck {

    /** One series' minimum: overall, and per UTC day in day order. */
    record SeriesMin(String series, long samples, double min, Instant minAt, Map<LocalDate, Double> byDay) {
    }

    private CacheHitCheck() {
    }

    /**
     * @param metric the metric name of the series (the {@code cache-hit} rule's, else {@code cache_hit_ratio})
     * @param floor  the lowest hit ratio a wave may start on, e.g. 0.92
     * @param events one tenant's events in the window
     */
    static Gate.Check check(String metric, double floor, List<ReplayInput.Event> events) {
        Map<String, List<MetricSample>> bySeries = new TreeMap<>();
        for (ReplayInput.Event e : events) {
            if (e.event() instanceof MetricSample m && m.getName().equals(metric)) {
                bySeries.computeIfAbsent(Series.of(m.getName(), m.getLabels()), k -> new ArrayList<>()).add(m);
            }
        }
        String rule = String.format(Locale.ROOT, "every %s sample >= %s: the minimum of each series over the window and on every "
                + "UTC day (the packet's warm-up target before a wave)", metric, Gate.num(floor));
        if (bySeries.isEmpty()) {
            return new Gate.Check("cache hit", Gate.Verdict.INCONCLUSIVE, "no " + metric + " samples in the window: nothing shows "
                    + "the cache is warm", rule, Map.of());
        }
        List<SeriesMin> mins = new ArrayList<>();
        bySeries.forEach((series, samples) -> mins.add(min(series, samples)));
        SeriesMin worst = mins.stream().min(java.util.Comparator.comparingDouble(SeriesMin::min)).orElseThrow();
        boolean fail = worst.min() < floor;
        List<String> parts = new ArrayList<>();
        List<Map<String, Object>> figures = new ArrayList<>();
        for (SeriesMin m : mins) {
            long daysUnder = m.byDay().values().stream().filter(v -> v < floor).count();
            parts.add(String.format(Locale.ROOT, "%s min %s at %s (%,d samples; %d of %d days under %s)", m.series(), Gate.num(m.min()),
                    m.minAt(), m.samples(), daysUnder, m.byDay().size(), Gate.num(floor)));
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("series", m.series());
            f.put("samples", m.samples());
            f.put("min", m.min());
            f.put("minAt", m.minAt().toString());
            Map<String, Object> days = new LinkedHashMap<>();
            m.byDay().forEach((d, v) -> days.put(d.toString(), v));
            f.put("minByDay", days);
            figures.add(f);
        }
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("floor", floor);
        all.put("series", figures);
        return new Gate.Check("cache hit", fail ? Gate.Verdict.FAIL : Gate.Verdict.PASS, String.join("; ", parts), rule, all);
    }

    private static SeriesMin min(String series, List<MetricSample> samples) {
        double min = Double.POSITIVE_INFINITY;
        Instant at = null;
        Map<LocalDate, Double> byDay = new TreeMap<>();
        for (MetricSample m : samples) {
            if (m.getValue() < min) {
                min = m.getValue();
                at = m.getTs();
            }
            byDay.merge(LocalDate.ofInstant(m.getTs(), ZoneOffset.UTC), m.getValue(), Math::min);
        }
        return new SeriesMin(series, samples.size(), min, at, byDay);
    }
}
