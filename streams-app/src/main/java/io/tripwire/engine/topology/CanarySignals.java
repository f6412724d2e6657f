package io.tripwire.engine.topology;

import io.tripwire.engine.rules.Rules;
import io.tripwire.engine.signals.CanaryMinutes;
import io.tripwire.engine.signals.LatencyWindows;
import io.tripwire.engine.signals.Minutes;
import io.tripwire.engine.signals.StoreKeys;
import io.tripwire.engine.tripwires.CanaryBucket;
import io.tripwire.engine.tripwires.CanaryBucket.Kind;
import io.tripwire.engine.tripwires.CanarySplitTripwire;
import io.tripwire.engine.tripwires.CanaryStage;
import io.tripwire.engine.tripwires.CanaryTripwire;
import io.tripwire.engine.tripwires.Tripwire;
import io.tripwire.schemas.Op;
import io.tripwire.schemas.RequestLatency;
import io.tripwire.schemas.RolloutStep;
import org.HdrHistogram.Histogram;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The signals of the canary judgement (SPEC 3, "Canary judgement"): each tenant's stage, and per
 * canary key the open minute buckets of the stage's labelled requests, closed once the tenant's
 * request stream time passes their end plus grace (the percentile schedule) and handed to the
 * canary tripwires as {@link CanaryBucket}s; at a rollout step, the end of every key's stage.
 *
 * <p>Latency keys count requests slower than τ_m, the baseline's p95 over [m − 5m, m): the
 * baseline's latencies go into the engine's own per-minute histograms under their own key and are
 * evaluated by {@link LatencyWindows} like any latency window; the stage's requests of each cohort
 * go into per-minute histograms read once, at the bucket's close, and dropped. Per request: a few
 * store reads and writes; per closed bucket: one tripwire evaluation per key.
 */
final class CanarySignals {

    /** The baseline window τ is taken over (the percentile definition of {@code read-latency}). */
    static final int TAU_WINDOW_MINUTES = 5;

    private final long grace;
    private final boolean errors;
    private final boolean latency;
    private final boolean traffic;
    private final int tauMinEvents;
    private final KeyValueStore<String, CanaryStage> stages;
    private final KeyValueStore<String, CanaryMinutes> buckets;
    private final LatencyWindows histograms;
    private final Consumer<Object> tripwires;

    CanarySignals(ProcessorContext<?, ?> ctx, Rules rules, List<Tripwire<?>> all, Consumer<Object> tripwires) {
        this.grace = rules.grace().toMillis();
        this.tripwires = tripwires;
        List<CanaryTripwire.Rule> canaries = all.stream().filter(t -> t instanceof CanaryTripwire)
                .map(t -> ((CanaryTripwire) t).rule()).toList();
        this.errors = canaries.stream().anyMatch(r -> r.compare() == Kind.ERRORS);
        this.latency = canaries.stream().anyMatch(r -> r.compare() == Kind.LATENCY);
        this.traffic = all.stream().anyMatch(t -> t instanceof CanarySplitTripwire);
        // the latency keys share τ: the smallest min-events of their rules decides when it exists
        this.tauMinEvents = canaries.stream().filter(r -> r.compare() == Kind.LATENCY).mapToInt(CanaryTripwire.Rule::minEvents).min().orElse(0);
        if (active()) {
            this.stages = ctx.getStateStore(StoreNames.CANARY_STAGES);
            this.buckets = ctx.getStateStore(StoreNames.CANARY_BUCKETS);
            this.histograms = new LatencyWindows(ctx.getStateStore(StoreNames.LATENCY_BUCKETS), ctx.getStateStore(StoreNames.LATENCY_CURSORS),
                    TAU_WINDOW_MINUTES, 0);
        } else {
            this.stages = null;
            this.buckets = null;
            this.histograms = null;
        }
    }

    private boolean active() {
        return errors || latency || traffic;
    }

    /** canary, baseline, or null: the request takes part in the tenant-level tripwires only. */
    static Boolean isCanary(String cohort, String version, CanaryStage stage) {
        if (cohort != null) {
            return switch (cohort) {
                case "canary" -> Boolean.TRUE;
                case "baseline" -> Boolean.FALSE;
                default -> null;
            };
        }
        if (version != null && stage != null && stage.version() != null) {
            return version.equals(stage.version());
        }
        return null;
    }

    void onRequest(String tenant, RequestLatency r, long ts, long clock, long previousClock) {
        if (!active()) {
            return;
        }
        CanaryStage stage = stages.get(tenant);
        Boolean canary = isCanary(r.getCohort(), r.getVersion(), stage);
        if (canary != null) {
            if (stage == null) {
                stage = CanaryStage.byRequest(ts); // before the tenant's first rollout step: its first labelled request
            }
            String op = r.getOp().name();
            if (latency && !canary) {
                histograms.record(tauKey(tenant, op), ts, r.getLatencyMs()); // τ: baseline requests, whatever their stage
            }
            CanaryStage before = stage;
            if (ts >= stage.start()) {
                long minute = Minutes.of(ts);
                if (errors) {
                    stage = count(tenant, stage, Kind.ERRORS, r.getService(), minute, canary, r.getStatus() >= 500);
                }
                if (latency) {
                    stage = count(tenant, stage, Kind.LATENCY, op, minute, canary, false);
                    histograms.recordMinute(stageKey(tenant, op, canary), ts, r.getLatencyMs());
                }
                if (traffic) {
                    stage = count(tenant, stage, Kind.TRAFFIC, CanaryBucket.TRAFFIC_SCOPE, minute, canary, false);
                }
            }
            if (stage != before || stages.get(tenant) == null) {
                stages.put(tenant, stage);
            }
        }
        if (stage != null && LatencyWindows.dueBoundary(clock, grace) > LatencyWindows.dueBoundary(previousClock, grace)) {
            close(tenant, stage, clock);
        }
    }

    private CanaryStage count(String tenant, CanaryStage stage, Kind kind, String scope, long minute, boolean canary, boolean bad) {
        String key = CanaryBucket.key(kind, scope);
        String storeKey = StoreKeys.of(tenant, key);
        CanaryMinutes m = buckets.get(storeKey);
        if (m == null) {
            m = CanaryMinutes.empty();
        }
        m.add(minute, canary, bad);
        buckets.put(storeKey, m);
        return stage.withKey(key);
    }

    /** Closes every bucket of the tenant's keys whose end plus grace the stream time has passed, minute by minute. */
    private void close(String tenant, CanaryStage stage, long clock) {
        long due = LatencyWindows.dueBoundary(clock, grace); // buckets m < due have closed
        if (latency) {
            for (Op op : Op.values()) {
                taus(tenant, op.name(), clock);
            }
        }
        for (String key : stage.keys()) {
            String storeKey = StoreKeys.of(tenant, key);
            CanaryMinutes m = buckets.get(storeKey);
            if (m == null) {
                continue;
            }
            Kind kind = Kind.valueOf(key.substring(0, key.indexOf(StoreKeys.SEP)));
            String scope = key.substring(key.indexOf(StoreKeys.SEP) + 1);
            boolean changed = false;
            Iterator<Map.Entry<Long, long[]>> open = m.counts().entrySet().iterator();
            while (open.hasNext()) {
                Map.Entry<Long, long[]> e = open.next();
                long minute = e.getKey();
                if (minute >= due) {
                    break;
                }
                open.remove();
                changed = true;
                tripwires.accept(bucket(tenant, kind, scope, minute, e.getValue(), m, stage));
            }
            if (kind == Kind.LATENCY) {
                changed |= m.tauMicros().headMap(due).size() > 0;
                m.tauMicros().headMap(due).clear();
            }
            if (changed) {
                if (m.isEmpty()) {
                    buckets.delete(storeKey);
                } else {
                    buckets.put(storeKey, m);
                }
            }
        }
    }

    /** τ of every baseline window that became due, kept with the latency key's open buckets until they close. */
    private void taus(String tenant, String op, long clock) {
        List<LatencyWindows.Evaluation> evaluated = histograms.due(tauKey(tenant, op), clock, grace);
        if (evaluated.isEmpty()) {
            return;
        }
        String storeKey = StoreKeys.of(tenant, CanaryBucket.key(Kind.LATENCY, op));
        CanaryMinutes m = buckets.get(storeKey);
        if (m == null) {
            m = CanaryMinutes.empty();
        }
        boolean changed = false;
        for (LatencyWindows.Evaluation e : evaluated) {
            if (e.percentiles() != null && e.percentiles().count() >= tauMinEvents) {
                m.tauMicros().put(Minutes.of(e.boundaryMillis()), Math.round(e.percentiles().p95ms() * 1000.0));
                changed = true;
            }
        }
        if (changed) {
            buckets.put(storeKey, m);
        }
    }

    private CanaryBucket bucket(String tenant, Kind kind, String scope, long minute, long[] c, CanaryMinutes m, CanaryStage stage) {
        long canaryBad = c[CanaryMinutes.CANARY_BAD];
        long baselineBad = c[CanaryMinutes.BASELINE_BAD];
        double tauMs = Double.NaN;
        if (kind == Kind.LATENCY) {
            Long tau = m.tauMicros().get(minute);
            canaryBad = slower(stageKey(tenant, scope, true), minute, tau);
            baselineBad = slower(stageKey(tenant, scope, false), minute, tau);
            histograms.drop(stageKey(tenant, scope, true), minute);
            histograms.drop(stageKey(tenant, scope, false), minute);
            tauMs = tau == null ? Double.NaN : tau / 1000.0;
        }
        return new CanaryBucket(kind, tenant, scope, Minutes.start(minute + 1), minute, c[CanaryMinutes.CANARY], canaryBad,
                c[CanaryMinutes.BASELINE], baselineBad, tauMs, stage);
    }

    /**
     * Requests of one minute's histogram slower than τ (µs): above the highest value equivalent to
     * τ at the histogram's resolution, as τ is itself reported (a request within 0.1% of τ is not slow).
     */
    private long slower(String key, long minute, Long tauMicros) {
        Histogram h = histograms.minute(key, minute);
        if (h == null || tauMicros == null) {
            return 0;
        }
        return h.getTotalCount() - h.getCountBetweenValues(0, tauMicros);
    }

    /** At a rollout step: the end of every key's stage (firing keys resolve), then the new stage. */
    void onRollout(String tenant, RolloutStep step, int previousPercent) {
        if (!active()) {
            return;
        }
        long at = step.getTs().toEpochMilli();
        CanaryStage ended = stages.get(tenant);
        if (ended != null) {
            for (String key : ended.keys()) {
                Kind kind = Kind.valueOf(key.substring(0, key.indexOf(StoreKeys.SEP)));
                String scope = key.substring(key.indexOf(StoreKeys.SEP) + 1);
                discardOpen(tenant, key, kind, scope);
                tripwires.accept(CanaryBucket.stageEnd(kind, tenant, scope, at, ended));
            }
        }
        stages.put(tenant, new CanaryStage(at, step.getVersion(), step.getStepPercent(), previousPercent, step.getRegion(), List.of()));
    }

    /** A stage change discards the buckets still open (τ of a latency key stays: it belongs to no stage). */
    private void discardOpen(String tenant, String key, Kind kind, String scope) {
        String storeKey = StoreKeys.of(tenant, key);
        CanaryMinutes m = buckets.get(storeKey);
        if (m == null || m.counts().isEmpty()) {
            return;
        }
        if (kind == Kind.LATENCY) {
            for (long minute : m.counts().keySet()) {
                histograms.drop(stageKey(tenant, scope, true), minute);
                histograms.drop(stageKey(tenant, scope, false), minute);
            }
        }
        m.counts().clear();
        if (m.isEmpty()) {
            buckets.delete(storeKey);
        } else {
            buckets.put(storeKey, m);
        }
    }

    private static String tauKey(String tenant, String op) {
        return StoreKeys.of(tenant, op, "baseline-tau");
    }

    private static String stageKey(String tenant, String op, boolean canary) {
        return StoreKeys.of(tenant, op, canary ? "stage-canary" : "stage-baseline");
    }
}
