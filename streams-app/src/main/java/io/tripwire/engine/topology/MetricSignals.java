package io.tripwire.engine.topology;

import io.tripwire.engine.signals.MetricPoint;
import io.tripwire.engine.signals.Minutes;
import io.tripwire.engine.signals.Series;
import io.tripwire.engine.signals.Signal;
import io.tripwire.engine.signals.StoreKeys;
import io.tripwire.engine.tripwires.Decisions;
import io.tripwire.engine.tripwires.MetricThresholdTripwire;
import io.tripwire.engine.tripwires.Tripwire;
import io.tripwire.schemas.MetricSample;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Signals of metric samples: the value of each watched series at the end of each minute, and a
 * stale warning (log only; it never fires or resolves) when a series in breach stops reporting for
 * stale-after of wall-clock time.
 */
final class MetricSignals {

    private static final Logger LOG = LoggerFactory.getLogger(MetricSignals.class);

    /** A watched series seen by this task: when (wall clock) and whether it was warned about. */
    private record Seen(MetricThresholdTripwire.Rule rule, String tenant, String series, long wallClock) {
    }

    private final KeyValueStore<String, MetricPoint> points;
    private final List<MetricThresholdTripwire.Rule> watched;
    private final Consumer<Signal> signals;
    private final Map<String, Seen> seen = new HashMap<>();
    private final Set<String> warned = new HashSet<>();

    MetricSignals(ProcessorContext<?, ?> ctx, List<Tripwire<?>> all, Consumer<Signal> signals) {
        this.points = ctx.getStateStore(StoreNames.METRIC_SERIES);
        this.watched = all.stream().filter(t -> t instanceof MetricThresholdTripwire)
                .map(t -> ((MetricThresholdTripwire) t).rule()).toList();
        this.signals = signals;
    }

    void onSample(String tenant, MetricSample m, long wallClock) {
        for (MetricThresholdTripwire.Rule rule : watched) {
            if (!rule.metric().equals(m.getName())) {
                continue;
            }
            String series = Series.of(m.getName(), m.getLabels());
            String key = StoreKeys.of(tenant, series);
            long minute = Minutes.of(m.getTs().toEpochMilli());
            MetricPoint last = points.get(key);
            if (last != null && minute > last.minute()) {
                signals.accept(new Signal(rule.signal(), tenant, series, Minutes.start(last.minute() + 1), last.value()));
            }
            if (last == null || minute >= last.minute()) {
                points.put(key, new MetricPoint(minute, m.getValue()));
            }
            String seenKey = StoreKeys.of(rule.id(), key);
            seen.put(seenKey, new Seen(rule, tenant, series, wallClock));
            warned.remove(seenKey);
        }
    }

    /** Wall-clock check: warns once per silence about series in breach that stopped reporting. */
    void checkStale(long wallClock, Decisions decisions) {
        for (Map.Entry<String, Seen> e : seen.entrySet()) {
            Seen s = e.getValue();
            Duration silent = Duration.ofMillis(wallClock - s.wallClock());
            if (silent.compareTo(s.rule().staleAfter()) >= 0 && !warned.contains(e.getKey())
                    && decisions.state(s.rule().id(), s.tenant(), s.series()).since() >= 0) {
                warned.add(e.getKey());
                LOG.warn("STALE tenant={} tripwire={} series={} in breach but silent for {}s (since {}); not firing or resolving on silence",
                        s.tenant(), s.rule().id(), s.series(), silent.toSeconds(), Instant.ofEpochMilli(s.wallClock()));
            }
        }
    }

    /** Shortest stale-after of the watched rules (how often to check), or null when none. */
    Duration checkEvery() {
        return watched.stream().map(MetricThresholdTripwire.Rule::staleAfter).min(Duration::compareTo)
                .map(d -> d.dividedBy(4).isZero() ? Duration.ofSeconds(1) : d.dividedBy(4)).orElse(null);
    }
}
