package io.tripwire.engine.topology;

import io.tripwire.engine.rules.Rules;
import io.tripwire.engine.signals.CanaryTenant;
import io.tripwire.engine.signals.LatencyWindows;
import io.tripwire.engine.signals.Minutes;
import io.tripwire.engine.signals.Percentiles;
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

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The signals of the canary judgement (SPEC 3, "Canary judgement"): each tenant's stage, and per
 * canary key the open minute buckets of the stage's labelled requests, closed once the tenant's
 * request stream time passes their end plus grace (the percentile schedule) and handed to the
 * canary tripwires as {@link CanaryBucket}s; at a rollout step, the end of every key's stage.
 *
 * <p>Latency keys count requests slower than τ_m, the baseline's p95 over [m − 5m, m). The engine
 * already keeps every request's latency in per-minute histograms and merges each five-minute window
 * for {@code read-latency}; the baseline is most of the traffic, so instead of recording it a second
 * time, the canary judgement records what is <em>not</em> baseline (the stage's canary in one
 * histogram per minute, the rest, such as unlabelled requests of a tenant with a stage, in another)
 * and reads the baseline's window as the merged one less the not-baseline minutes, in place
 * ({@link Percentiles#nearestRankMicros}: only the window's tail, from its top down to the p95, is
 * read; no histogram is added or subtracted). The same difference gives a closing bucket's slow
 * baseline requests. Baseline requests
 * the stage does not count (before its start, or counted under the stage before) are recorded apart
 * in the rare minutes that have any. So a baseline request costs no histogram record, a canary one
 * one, and each request one read and write of the tenant's {@link CanaryTenant} record.
 */
final class CanarySignals {

    /** The baseline window τ is taken over (the percentile definition of {@code read-latency}). */
    static final int TAU_WINDOW_MINUTES = CanaryTripwire.TAU_WINDOW_MINUTES;

    private final long grace;
    private final boolean errors;
    private final boolean latency;
    private final boolean traffic;
    private final int tauMinEvents;
    private final KeyValueStore<String, CanaryTenant> tenants;
    private final LatencyWindows histograms;
    private final Consumer<Object> tripwires;
    /** Key names made once (the hot path builds no string): errors keys by service, the latency and traffic keys. */
    private final Map<String, String> errorsKeys = new java.util.HashMap<>();
    private static final String LATENCY_READ = CanaryBucket.key(Kind.LATENCY, Op.READ.name());
    private static final String LATENCY_WRITE = CanaryBucket.key(Kind.LATENCY, Op.WRITE.name());
    private static final String TRAFFIC = CanaryBucket.key(Kind.TRAFFIC, CanaryBucket.TRAFFIC_SCOPE);

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
            this.tenants = ctx.getStateStore(StoreNames.CANARY_TENANTS);
            // the engine's own latency histograms: the same store and keys as RequestSignals' (tenant, op)
            this.histograms = new LatencyWindows(ctx.getStateStore(StoreNames.LATENCY_BUCKETS), ctx.getStateStore(StoreNames.LATENCY_CURSORS),
                    TAU_WINDOW_MINUTES, 0);
        } else {
            this.tenants = null;
            this.histograms = null;
        }
    }

    private boolean active() {
        return errors || latency || traffic;
    }

    /** What RequestSignals tells of each latency window, or null when the latency keys are off. */
    RequestSignals.LatencyListener listener() {
        return latency ? this::window : null;
    }

    /** canary, baseline, or null: the request takes part in the tenant-level tripwires only. */
    static Boolean isCanary(String cohort, String version, CanaryStage stage) {
        if (cohort != null) { // equals, not a switch: a string switch hashes every request's new cohort string
            return "canary".equals(cohort) ? Boolean.TRUE : "baseline".equals(cohort) ? Boolean.FALSE : null;
        }
        if (version != null && stage != null && stage.version() != null) {
            return version.equals(stage.version());
        }
        return null;
    }

    /** Counts one request (before the engine's latency histograms hold it). */
    void onRequest(String tenant, RequestLatency r, long ts) {
        if (!active()) {
            return;
        }
        CanaryTenant t = tenants.get(tenant);
        Boolean canary = isCanary(r.getCohort(), r.getVersion(), t == null ? null : t.stage());
        if (t == null) {
            if (canary == null) {
                return; // a tenant without a stage: nothing to count
            }
            t = begin(tenant, CanaryStage.byRequest(ts)); // before the tenant's first rollout step: its first labelled request
        }
        String op = r.getOp().name();
        long minute = Minutes.of(ts);
        boolean inStage = ts >= t.stage().start();
        if (latency) {
            recordLatency(tenant, t, op, minute, ts, r.getLatencyMs(), canary, inStage);
        }
        if (canary != null && inStage) {
            // a key joins the stage's keys with its first request, which opens its first bucket
            if (errors) {
                String key = errorsKeys.computeIfAbsent(r.getService(), svc -> CanaryBucket.key(Kind.ERRORS, svc));
                if (t.add(key, minute, canary, r.getStatus() >= 500)) {
                    t.stage(t.stage().withKey(key));
                }
            }
            if (latency) {
                String key = r.getOp() == Op.READ ? LATENCY_READ : LATENCY_WRITE;
                if (t.add(key, minute, canary, false)) {
                    t.stage(t.stage().withKey(key));
                }
            }
            if (traffic && t.add(TRAFFIC, minute, canary, false)) {
                t.stage(t.stage().withKey(TRAFFIC));
            }
        }
        tenants.put(tenant, t);
    }

    /**
     * Where a request's latency goes, besides the engine's own histogram: the stage's canary minute,
     * the not-baseline minute (unlabelled, other cohorts, canary outside the stage), or for a
     * baseline request nothing, unless the stage does not count it.
     */
    private void recordLatency(String tenant, CanaryTenant t, String op, long minute, long ts, double ms, Boolean canary, boolean inStage) {
        long since = Minutes.of(t.since());
        // a minute joins the tenant's sets when its bucket opens (the boxing and tree walk once a minute, not per request)
        if (canary == Boolean.FALSE) {
            if (minute < since) {
                if (histograms.recordMinute(preKey(tenant, op), ts, ms)) { // the windows subtract such minutes whole
                    t.excluded(op).add(minute);
                }
            } else if (!inStage) {
                if (histograms.recordMinute(excludedKey(tenant, op), ts, ms)) {
                    t.excluded(op).add(minute);
                }
            }
        } else if (minute >= since) {
            if (canary == Boolean.TRUE && inStage) {
                if (histograms.recordMinute(canaryKey(tenant, op), ts, ms)) {
                    t.notBaseline(op).add(minute);
                }
            } else if (histograms.recordMinute(otherKey(tenant, op), ts, ms)) {
                t.rest(op).add(minute);
                t.notBaseline(op).add(minute);
            }
        }
    }

    /**
     * A tenant's first stage: every request already in the engine's histograms from the stage's
     * minute on came before it and is not baseline.
     */
    private CanaryTenant begin(String tenant, CanaryStage stage) {
        CanaryTenant t = CanaryTenant.of(stage);
        if (latency) {
            for (Op op : Op.values()) {
                String all = allKey(tenant, op.name());
                for (long minute : List.copyOf(histograms.minutesFrom(all, Minutes.of(stage.start())))) {
                    Histogram h = histograms.minute(all, minute);
                    if (h != null) {
                        histograms.add(otherKey(tenant, op.name()), minute, h);
                        t.notBaseline(op.name()).add(minute);
                        t.rest(op.name()).add(minute);
                    }
                }
            }
        }
        return t;
    }

    /**
     * One latency window [b − 5, b) of the tenant's op, merged by the engine: τ_b from the baseline's
     * part of it, and the slow requests of the op's bucket b − 1 (its minute is complete now).
     */
    private void window(String tenant, String op, long b, Histogram merged) {
        CanaryTenant t = tenants.get(tenant);
        if (t == null) {
            return;
        }
        long from = b - TAU_WINDOW_MINUTES;
        dropLegacySum(tenant, t, op);
        // the baseline's part of the window: all requests, less the minutes of what is not baseline,
        // and before the tenant's first stage only the baseline requests recorded apart
        List<Histogram> plus = new ArrayList<>(2);
        List<Histogram> minus = new ArrayList<>(2 * TAU_WINDOW_MINUTES);
        plus.add(merged);
        String canaryKey = canaryKey(tenant, op);
        String otherKey = otherKey(tenant, op);
        TreeSet<Long> rest = t.rest(op);
        for (long j : t.notBaseline(op).subSet(from, b)) {
            addIfPresent(minus, histograms.minute(canaryKey, j));
            if (rest.contains(j)) {
                addIfPresent(minus, histograms.minute(otherKey, j));
            }
        }
        long since = Minutes.of(t.since());
        for (long j = from; j < Math.min(b, since); j++) {
            addIfPresent(minus, histograms.minute(allKey(tenant, op), j));
            addIfPresent(plus, histograms.minute(preKey(tenant, op), j));
        }
        long tau = Percentiles.nearestRankMicros(plus, minus, 95.0);
        if (tau >= 0 && baselineCount(plus, minus) >= tauMinEvents) {
            t.tau(op).put(b, tau);
        }
        long m = b - 1;
        long[] c = t.open(CanaryBucket.key(Kind.LATENCY, op)).get(m);
        if (c != null) {
            Long tauM = t.tau(op).get(m);
            long canarySlow = slower(canaryKey, m, tauM);
            c[CanaryTenant.CANARY_BAD] = canarySlow;
            c[CanaryTenant.BASELINE_BAD] = slower(allKey(tenant, op), m, tauM) - canarySlow
                    - (rest.contains(m) ? slower(otherKey, m, tauM) : 0)
                    - (t.excluded(op).contains(m) ? slower(excludedKey(tenant, op), m, tauM) : 0);
        }
        t.tau(op).headMap(m).clear();
        for (Iterator<Long> old = t.notBaseline(op).headSet(from).iterator(); old.hasNext(); ) {
            long j = old.next();
            histograms.drop(canaryKey, j);
            if (rest.remove(j)) {
                histograms.drop(otherKey, j);
            }
            old.remove();
        }
        for (Iterator<Long> ex = t.excluded(op).headSet(b).iterator(); ex.hasNext(); ) {
            long j = ex.next();
            if (j < from || j == m) {
                histograms.drop(excludedKey(tenant, op), j);
                if (j < from) {
                    histograms.drop(preKey(tenant, op), j);
                    ex.remove();
                }
            }
        }
        tenants.put(tenant, t);
    }

    private static void addIfPresent(List<Histogram> into, Histogram h) {
        if (h != null) {
            into.add(h);
        }
    }

    private static long baselineCount(List<Histogram> plus, List<Histogram> minus) {
        long n = 0;
        for (Histogram h : plus) {
            n += h.getTotalCount();
        }
        for (Histogram h : minus) {
            n -= h.getTotalCount();
        }
        return n;
    }

    /**
     * State written before 2026-12-08 kept a rolling sum of the not-baseline minutes under its own
     * key (τ is now read from the minutes in place): the first window after an upgrade deletes it.
     */
    private void dropLegacySum(String tenant, CanaryTenant t, String op) {
        if (t.dropLegacyWindow(op)) {
            histograms.drop(StoreKeys.of(tenant, op, "not-baseline-window"), 0);
        }
    }

    private static void subtract(Histogram from, Histogram h) {
        if (h != null) {
            from.subtract(h);
        }
    }

    /** Emits every bucket of the tenant's keys whose end plus grace the stream time has passed, minute by minute. */
    void close(String tenant, long clock, long previousClock) {
        if (!active() || LatencyWindows.dueBoundary(clock, grace) <= LatencyWindows.dueBoundary(previousClock, grace)) {
            return;
        }
        CanaryTenant t = tenants.get(tenant);
        if (t == null) {
            return;
        }
        long due = LatencyWindows.dueBoundary(clock, grace); // buckets m < due have closed
        for (String key : t.stage().keys()) {
            Kind kind = Kind.valueOf(key.substring(0, key.indexOf(StoreKeys.SEP)));
            String scope = key.substring(key.indexOf(StoreKeys.SEP) + 1);
            Iterator<Map.Entry<Long, long[]>> open = t.open(key).entrySet().iterator();
            while (open.hasNext()) {
                Map.Entry<Long, long[]> e = open.next();
                long minute = e.getKey();
                if (minute >= due) {
                    break;
                }
                open.remove();
                t.forgetRecent();
                long[] c = e.getValue();
                Long tau = kind == Kind.LATENCY ? t.tau(scope).get(minute) : null;
                tripwires.accept(new CanaryBucket(kind, tenant, scope, Minutes.start(minute + 1), minute, c[CanaryTenant.CANARY],
                        c[CanaryTenant.CANARY_BAD], c[CanaryTenant.BASELINE], c[CanaryTenant.BASELINE_BAD],
                        tau == null ? Double.NaN : tau / 1000.0, t.stage()));
            }
        }
        tenants.put(tenant, t);
    }

    /**
     * Requests of one minute's histogram slower than τ (µs): above the highest value equivalent to
     * τ at the histogram's resolution, as τ is itself reported (a request within 0.1% of τ is not slow).
     */
    private long slower(String key, long minute, Long tauMicros) {
        Histogram h = histograms.minute(key, minute);
        if (h == null || tauMicros == null || h.getMaxValue() <= tauMicros) {
            return 0;
        }
        return h.getCountBetweenValues(h.nextNonEquivalentValue(tauMicros), h.getMaxValue()); // the tail only
    }

    /** At a rollout step: the end of every key's stage (firing keys resolve), then the new stage. */
    void onRollout(String tenant, RolloutStep step, int previousPercent) {
        if (!active()) {
            return;
        }
        long at = step.getTs().toEpochMilli();
        CanaryStage next = new CanaryStage(at, step.getVersion(), step.getStepPercent(), previousPercent, step.getRegion(), List.of());
        CanaryTenant t = tenants.get(tenant);
        if (t == null) {
            tenants.put(tenant, begin(tenant, next));
            return;
        }
        CanaryStage ended = t.stage();
        if (latency) {
            for (Op op : Op.values()) {
                discardOpen(tenant, t, op.name(), at);
            }
        }
        t.discardOpen();
        t.stage(next);
        tenants.put(tenant, t);
        for (String key : ended.keys()) {
            Kind kind = Kind.valueOf(key.substring(0, key.indexOf(StoreKeys.SEP)));
            tripwires.accept(CanaryBucket.stageEnd(kind, tenant, key.substring(key.indexOf(StoreKeys.SEP) + 1), at, ended));
        }
    }

    /**
     * A stage change discards the buckets still open. From the new stage's minute on, the baseline
     * requests recorded so far count for τ but not for the new stage (they become "not in stage"),
     * and the old stage's canary requests stay not-baseline (they move to the rest).
     */
    private void discardOpen(String tenant, CanaryTenant t, String op, long newStart) {
        long since = Minutes.of(t.since());
        for (long minute : List.copyOf(histograms.minutesFrom(allKey(tenant, op), Math.max(Minutes.of(newStart), since)))) {
            Histogram all = histograms.minute(allKey(tenant, op), minute);
            if (all == null) {
                continue;
            }
            Histogram baseline = all.copy();
            subtract(baseline, histograms.minute(canaryKey(tenant, op), minute));
            subtract(baseline, histograms.minute(otherKey(tenant, op), minute));
            histograms.drop(excludedKey(tenant, op), minute);
            if (baseline.getTotalCount() > 0) {
                histograms.add(excludedKey(tenant, op), minute, baseline);
                t.excluded(op).add(minute);
            }
        }
        for (long minute : t.notBaseline(op)) {
            Histogram canary = histograms.minute(canaryKey(tenant, op), minute);
            if (canary != null) {
                histograms.add(otherKey(tenant, op), minute, canary);
                t.rest(op).add(minute);
                histograms.drop(canaryKey(tenant, op), minute);
            }
        }
    }

    /** The engine's own histogram of every request of the tenant's op (RequestSignals' key). */
    private static String allKey(String tenant, String op) {
        return StoreKeys.of(tenant, op);
    }

    private static String canaryKey(String tenant, String op) {
        return StoreKeys.of(tenant, op, "stage-canary");
    }

    private static String otherKey(String tenant, String op) {
        return StoreKeys.of(tenant, op, "not-baseline");
    }

    private static String excludedKey(String tenant, String op) {
        return StoreKeys.of(tenant, op, "baseline-not-in-stage");
    }

    private static String preKey(String tenant, String op) {
        return StoreKeys.of(tenant, op, "baseline-before-canary");
    }
}
