package io.tripwire.engine.oracle;

import io.tripwire.schemas.AutonomyDecision;
import io.tripwire.schemas.AutonomyMode;
import io.tripwire.schemas.AutonomyOutcome;
import io.tripwire.schemas.HumanOverride;
import io.tripwire.schemas.MetricSample;
import io.tripwire.schemas.PolicyDecision;
import io.tripwire.schemas.PolicyVerdict;
import io.tripwire.schemas.RequestLatency;
import io.tripwire.schemas.RolloutStep;
import org.apache.avro.specific.SpecificRecord;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A naive reference implementation of SPEC section 3 / docs/tripwires.md, written from the text
 * only. It keeps every accepted event and recomputes each window by scanning them; percentiles are
 * exact nearest-rank over the raw values; ratio thresholds are compared in exact decimal arithmetic.
 *
 * <p>Input: the events in the order they are delivered to the engine. Output: the firings (one per
 * action record), each tagged with the index of the input event whose processing produced it, and
 * the predicted dead letters.
 */
final class SpecOracle {

    static final String[] TRIPWIRE_ORDER = {"error-budget", "burn-rate-fast", "burn-rate-slow", "ingest-errors",
            "read-latency", "write-latency", "replica-lag", "cache-hit", "cost-budget", "residency-violation", "purpose-missing",
            "unapproved-enact", "autonomy-compensation", "autonomy-rate", "simulation-delta", "ramp-freeze", "canary-errors",
            "canary-latency", "canary-split", "hitl-approval"};

    /** One input event in delivery order; {@code line} is what dead letters report. */
    record Input(SpecificRecord event, long line) {
    }

    /** One predicted action record. {@code params} holds only the keys the oracle predicts. */
    record Firing(int eventIndex, Instant firedAt, String tenant, String tripwire, String scope, String action,
                  Map<String, String> params) {
        String brief() {
            return firedAt + " " + tenant + " " + tripwire + " " + scope + " " + action;
        }

        @Override
        public String toString() {
            return "#" + eventIndex + " " + brief() + (params.isEmpty() ? "" : " " + params);
        }
    }

    record Dead(long line, String reason) {
    }

    /** An evaluation whose ratio was exactly at its threshold (the comparison is then decided exactly, not in floats). */
    record Tie(int eventIndex, Instant at, String tenant, String tripwire, String scope) {
    }

    /** {@code stats}: how often each interesting case of the contract came up (coverage of a run). */
    record Result(List<Firing> firings, List<Dead> deadLetters, List<Tie> ties, Map<String, Long> stats) {
    }

    private record Req(long ts, boolean bad) {
    }

    private record Lat(long ts, double ms) {
    }

    private record Aut(long ts, AutonomyMode mode, AutonomyOutcome outcome) {
    }

    private static final class Hold {
        boolean firing;
        Long runStart;
        Long resolveStart;
    }

    private final OracleConfig c;
    private final Map<String, Long> streamTime = new HashMap<>();
    private final Map<String, List<Req>> requestsByService = new HashMap<>();
    private final Map<String, List<Lat>> latencyByOp = new HashMap<>();
    private final Map<String, Map<String, Long>> nextBoundary = new HashMap<>(); // tenant -> op -> next boundary (minute)
    private final Map<String, Long> stats = new TreeMap<>();
    private final Map<String, List<Aut>> autonomy = new HashMap<>();
    // the pilot's loop (issue 24): the tenants with an approval to enact in force, and those held by unapproved-enact
    private final java.util.Set<String> enactApproved = new java.util.HashSet<>();
    private final java.util.Set<String> unapprovedHeld = new java.util.HashSet<>();
    private final Map<String, Hold> holds = new HashMap<>();
    private final Map<String, Boolean> residencyHeld = new HashMap<>();
    private final Map<String, Long> freezeUntil = new HashMap<>();
    private final Map<String, List<RolloutStep>> steps = new HashMap<>();
    private final List<Firing> firings = new ArrayList<>();
    private final List<Dead> dead = new ArrayList<>();
    private final List<Tie> ties = new ArrayList<>();
    private final CanaryOracle canary;
    private final OracleApprovals approvals = new OracleApprovals(List.of(OracleApprovals.STORY, OracleApprovals.PILOT));
    private List<Firing> current;
    private int index;

    SpecOracle(OracleConfig c) {
        this.c = c;
        this.canary = new CanaryOracle(c, this::emit, this::note);
    }

    static Result run(OracleConfig c, List<Input> inputs) {
        SpecOracle o = new SpecOracle(c);
        for (int i = 0; i < inputs.size(); i++) {
            o.process(i, inputs.get(i));
        }
        return new Result(List.copyOf(o.firings), List.copyOf(o.dead), List.copyOf(o.ties), Map.copyOf(o.stats));
    }

    private static long minute(long ts) {
        return Math.floorDiv(ts, 60_000L);
    }

    private void process(int i, Input in) {
        index = i;
        current = new ArrayList<>();
        SpecificRecord e = in.event();
        String tenant = (String) e.get(e.getSchema().getField("tenant").pos()).toString();
        long ts = ((Instant) e.get(e.getSchema().getField("ts").pos())).toEpochMilli();
        String topicKey = tenant + "|" + e.getSchema().getName();
        Long st = streamTime.get(topicKey);
        if (st != null && ts < st - c.graceMs()) {
            dead.add(new Dead(in.line(), "late"));
            note("late " + e.getSchema().getName());
            return;
        }
        if (st != null && ts == st - c.graceMs()) {
            note("counted at exactly stream time - grace");
        } else if (st != null && ts < st) {
            note("out of order within grace " + e.getSchema().getName());
        }
        long now = st == null ? ts : Math.max(st, ts);
        streamTime.put(topicKey, now);
        if (e instanceof RequestLatency r) {
            request(tenant, r, ts, now);
        } else if (e instanceof MetricSample m) {
            metric(tenant, m, ts);
        } else if (e instanceof AutonomyDecision a) {
            autonomy(tenant, a, ts, now);
        } else if (e instanceof PolicyDecision p) {
            policy(tenant, p, ts);
        } else if (e instanceof HumanOverride o) {
            String refused = approvals.check(o);
            if (refused == null && o.getTripwire().toString().equals("simulation-delta") && !simulationPassed(tenant, ts)) {
                refused = "override-simulation-not-passed"; // issue 24: an approval to enact needs a passing simulation
            }
            if (refused == null) {
                approvals.use(o);
            }
            if (refused != null) {
                // SPEC 3 "Human approvals": one AUDIT_EVENT naming the refused override, and a dead letter
                emit(ts, tenant, "hitl-approval", o.getTripwire().toString(), "AUDIT_EVENT", Map.of());
                current.sort(canonical());
                firings.addAll(current);
                dead.add(new Dead(in.line(), refused));
                note("override refused: " + refused);
                return;
            }
            note("override honoured");
            override(tenant, o, ts);
        } else if (e instanceof RolloutStep s) {
            rollout(tenant, s, ts);
        } else {
            throw new IllegalArgumentException("not an input event: " + e.getSchema().getName());
        }
        // canonical order inside one input event: by firedAt, then tripwire (config order); a firing's
        // actions keep their rule order (stable sort)
        current.sort(canonical());
        firings.addAll(current);
    }

    static Comparator<Firing> canonical() {
        List<String> order = List.of(TRIPWIRE_ORDER);
        return Comparator.comparing(Firing::firedAt).thenComparing(f -> order.indexOf(f.tripwire()))
                .thenComparing(Firing::scope);
    }

    // ---------------------------------------------------------------- requests

    private void request(String tenant, RequestLatency r, long ts, long now) {
        String service = r.getService().toString();
        String op = r.getOp().toString();
        boolean bad = r.getStatus() >= 500;
        requestsByService.computeIfAbsent(tenant + "|" + service, k -> new ArrayList<>()).add(new Req(ts, bad));
        latencyByOp.computeIfAbsent(tenant + "|" + op, k -> new ArrayList<>()).add(new Lat(ts, r.getLatencyMs()));
        nextBoundary.computeIfAbsent(tenant, k -> new TreeMap<>()).putIfAbsent(op, minute(ts) + 1);

        // ratio tripwires of key tenant x service, at the tenant's request stream time
        List<Req> reqs = requestsByService.get(tenant + "|" + service);
        BigDecimal slo = c.slo(service);
        BigDecimal errorShare = BigDecimal.ONE.subtract(slo);

        long[] day = count(reqs, now, c.errorBudgetWindowMin());
        // remaining = 1 - (bad/total)/(1-SLO) < thr  <=>  bad/total > (1-thr) * (1-SLO)
        ratio(tenant, "error-budget", service, now, 0, day[0], day[1],
                BigDecimal.ONE.subtract(c.errorBudgetThreshold()).multiply(errorShare), true, c.priorStrength());

        burn(tenant, "burn-rate-fast", service, reqs, now, c.fastThreshold(), errorShare, c.fastLongMin(), c.fastShortMin());
        burn(tenant, "burn-rate-slow", service, reqs, now, c.slowThreshold(), errorShare, c.slowLongMin(), c.slowShortMin());

        if (service.equals("ingest")) {
            long[] h = count(reqs, now, c.ingestWindowMin());
            ratio(tenant, "ingest-errors", "ingest", now, c.ingestHeldMs(), h[0], h[1], c.ingestThreshold(), true, c.priorStrength());
        }

        // percentile tripwires: every boundary B with B + grace <= the tenant's request stream time
        for (Map.Entry<String, Long> nb : nextBoundary.get(tenant).entrySet()) {
            String keyOp = nb.getKey();
            long b = nb.getValue();
            while (b * 60_000L + c.graceMs() <= now) {
                latencyBoundary(tenant, keyOp, b);
                b++;
            }
            nb.setValue(b);
        }
        canary.request(tenant, r, ts, now);
    }

    /** [bad, total] over the buckets m(t)-W+1 .. m(t). */
    private static long[] count(List<Req> reqs, long t, long windowMin) {
        long hi = minute(t);
        long lo = hi - windowMin + 1;
        long bad = 0;
        long total = 0;
        for (Req q : reqs) {
            long m = minute(q.ts());
            if (m >= lo && m <= hi) {
                total++;
                if (q.bad()) {
                    bad++;
                }
            }
        }
        return new long[] {bad, total};
    }

    private void burn(String tenant, String tw, String service, List<Req> reqs, long now, BigDecimal thr,
                      BigDecimal errorShare, long longMin, long shortMin) {
        long[] a = count(reqs, now, longMin);
        long[] b = count(reqs, now, shortMin);
        boolean enough = a[1] >= c.minEvents() && b[1] >= c.minEvents();
        // burn = (bad/total)/(1-SLO) > thr  <=>  bad > thr * total * (1-SLO)
        BigDecimal limA = thr.multiply(errorShare).multiply(BigDecimal.valueOf(a[1]));
        BigDecimal limB = thr.multiply(errorShare).multiply(BigDecimal.valueOf(b[1]));
        int ca = BigDecimal.valueOf(a[0]).compareTo(limA);
        int cb = BigDecimal.valueOf(b[0]).compareTo(limB);
        if (enough && (ca == 0 || cb == 0)) {
            ties.add(new Tie(index, Instant.ofEpochMilli(now), tenant, tw, service));
        }
        // every window must pass the test, against the rate thr * (1-SLO)
        BigDecimal x = thr.multiply(errorShare);
        evaluate(tenant, tw, service, now, 0, enough && ca > 0 && cb > 0,
                () -> significant(a[0], a[1], x, true, c.priorStrength()) && significant(b[0], b[1], x, true, c.priorStrength()));
    }

    /**
     * A ratio condition k/n against the rate x (SPEC 3 "Significance"): past = n >= min-events and
     * (above ? k > x n : k < x n), decided exactly; it fires only when also significant.
     */
    private void ratio(String tenant, String tw, String scope, long now, long heldMs, long k, long n, BigDecimal x, boolean above,
                       double priorStrength) {
        boolean enough = n >= c.minEvents();
        int cmp = BigDecimal.valueOf(k).compareTo(x.multiply(BigDecimal.valueOf(n)));
        if (enough && cmp == 0) {
            ties.add(new Tie(index, Instant.ofEpochMilli(now), tenant, tw, scope));
        }
        boolean past = enough && (above ? cmp > 0 : cmp < 0);
        evaluate(tenant, tw, scope, now, heldMs, past, () -> significant(k, n, x, above, priorStrength));
    }

    /**
     * SPEC 3 "Significance": the beta-binomial mixture e-value against "the rate is x" on the side
     * of the breach reaches 1/(1 − confidence); always true when the guard is off.
     */
    private boolean significant(long k, long n, BigDecimal x, boolean above, double priorStrength) {
        if (c.confidence() == null) {
            return true;
        }
        double logE = MixtureEValue.logE(k, n, x.doubleValue(), priorStrength, above);
        double level = -Math.log(BigDecimal.ONE.subtract(c.confidence()).doubleValue());
        if (Math.abs(logE - level) < 1e-7) {
            note("e-value within 1e-7 (relative) of its level");
        }
        note(logE >= level ? "ratio past its threshold and significant" : "ratio past its threshold, not significant");
        return logE >= level;
    }

    private void latencyBoundary(String tenant, String op, long b) {
        long lo = b - c.latencyWindowMin();
        List<Double> values = new ArrayList<>();
        for (Lat l : latencyByOp.get(tenant + "|" + op)) {
            long m = minute(l.ts());
            if (m >= lo && m < b) {
                values.add(l.ms());
            }
        }
        boolean cond;
        note("latency boundaries evaluated");
        if (values.isEmpty()) {
            cond = false;
            note("latency boundary with an empty window");
        } else {
            values.sort(null);
            int n = values.size();
            int rank = (95 * n + 99) / 100; // ceil(0.95 n): nearest rank
            double p95 = values.get(rank - 1);
            cond = p95 > (op.equals("READ") ? c.readThresholdMs() : c.writeThresholdMs());
        }
        evaluate(tenant, op.equals("READ") ? "read-latency" : "write-latency", op, b * 60_000L, c.latencyHeldMs(), cond, () -> true);
    }

    // ---------------------------------------------------------------- the rest

    /** SPEC 3's cache-hit row: cache_hit_ratio < 0.92 held for 10m; cost-budget: cost_budget_used_ratio > 0.80. */
    static final double CACHE_HIT_BELOW = 0.92;
    static final long CACHE_HIT_HELD_MS = 10 * 60_000L;
    static final double COST_ABOVE = 0.80;

    private void metric(String tenant, MetricSample m, long ts) {
        switch (m.getName().toString()) {
            case "pg_replica_lag_seconds" -> evaluate(tenant, "replica-lag", series(m), ts, c.lagHeldMs(), m.getValue() > c.lagThreshold(), () -> true);
            // every sample is an evaluation; one on the good side ends the run (issue 26: direction below)
            case "cache_hit_ratio" -> evaluate(tenant, "cache-hit", series(m), ts, CACHE_HIT_HELD_MS, m.getValue() < CACHE_HIT_BELOW, () -> true);
            case "cost_budget_used_ratio" -> evaluate(tenant, "cost-budget", series(m), ts, 0, m.getValue() > COST_ABOVE, () -> true);
            default -> { }
        }
    }

    static String series(MetricSample m) {
        TreeMap<String, String> labels = new TreeMap<>();
        if (m.getLabels() != null) {
            m.getLabels().forEach((k, v) -> labels.put(k.toString(), v.toString()));
        }
        StringBuilder sb = new StringBuilder(m.getName().toString());
        if (!labels.isEmpty()) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<String, String> l : labels.entrySet()) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                sb.append(l.getKey()).append("=\"").append(l.getValue()).append('"');
            }
            sb.append('}');
        }
        return sb.toString();
    }

    private void autonomy(String tenant, AutonomyDecision a, long ts, long now) {
        AutonomyMode mode = a.getMode();
        // issue 24, unapproved-enact: the pilot acting on its own (ENACT, AUTONOMOUS) with no approval in force
        // fires once per hold, judged before the decision counts
        if (mode == AutonomyMode.ENACT && a.getOutcome() == AutonomyOutcome.AUTONOMOUS) {
            if (enactApproved.contains(tenant)) {
                note("ENACT under an approval");
            } else if (unapprovedHeld.contains(tenant)) {
                note("ENACT without approval, already held");
            } else {
                unapprovedHeld.add(tenant);
                emit(ts, tenant, "unapproved-enact", "ENACT", "THROTTLE_AUTONOMY", Map.of("to", "0"));
                emit(ts, tenant, "unapproved-enact", "ENACT", "ENTER_SIMULATE", Map.of());
                emit(ts, tenant, "unapproved-enact", "ENACT", "AUDIT_EVENT", Map.of());
            }
        }
        autonomy.computeIfAbsent(tenant, k -> new ArrayList<>()).add(new Aut(ts, mode, a.getOutcome()));
        long[] counts = autonomyCounts(tenant, mode, minute(now));
        long auton = counts[0];
        long decided = counts[0] + counts[1];
        long comp = counts[2];
        if (mode == AutonomyMode.SIMULATE) {
            // SPEC 3: simulation-delta, COMPENSATED / decided SIMULATE ops
            ratio(tenant, "simulation-delta", "SIMULATE", now, 0, comp, decided, c.compensationAbove(), true, c.autonomyPriorStrength());
            return;
        }
        ratio(tenant, "autonomy-compensation", "ENACT", now, 0, comp, decided, c.compensationAbove(), true, c.autonomyPriorStrength());
        ratio(tenant, "autonomy-rate", "ENACT", now, 0, auton, decided, c.autonomyBelow(), false, c.autonomyPriorStrength());
    }

    /** [autonomous, hitl, compensated] decisions of {@code mode} over the buckets hi-W+1 .. hi. */
    private long[] autonomyCounts(String tenant, AutonomyMode mode, long hi) {
        long lo = hi - c.autonomyWindowMin() + 1;
        long[] n = new long[3];
        for (Aut x : autonomy.getOrDefault(tenant, List.of())) {
            long m = minute(x.ts());
            if (x.mode() != mode || m < lo || m > hi) {
                continue;
            }
            switch (x.outcome()) {
                case AUTONOMOUS -> n[0]++;
                case HITL_OVERRIDE -> n[1]++;
                case COMPENSATED -> n[2]++;
            }
        }
        return n;
    }

    /**
     * Issue 24 (docs/tripwires.md "The autonomy pilot"): an approval to enact is honoured only when, at its
     * time, the tenant's simulation delta is significantly below the threshold: k/n below x (exactly), n at
     * least min-events, and the "below" e-value at the level, over the SIMULATE decisions of the W whole
     * minutes before the override's minute.
     */
    private boolean simulationPassed(String tenant, long ts) {
        long hi = minute(ts) - 1;
        long[] counts = autonomyCounts(tenant, AutonomyMode.SIMULATE, hi);
        long decided = counts[0] + counts[1];
        long comp = counts[2];
        if (decided < c.minEvents()) {
            note("approval to enact: too few SIMULATE ops");
            return false;
        }
        if (BigDecimal.valueOf(comp).compareTo(c.compensationAbove().multiply(BigDecimal.valueOf(decided))) >= 0) {
            note("approval to enact: simulation delta not below");
            return false;
        }
        boolean passed = significant(comp, decided, c.compensationAbove(), false, c.autonomyPriorStrength());
        note(passed ? "approval to enact: simulation passed" : "approval to enact: simulation not yet significant");
        return passed;
    }

    private void policy(String tenant, PolicyDecision p, long ts) {
        if (p.getDecision() != PolicyVerdict.DENY) {
            return;
        }
        String policy = p.getPolicy().toString();
        String tw = policy.equals("residency") ? "residency-violation" : policy.equals("purpose") ? "purpose-missing" : null;
        if (tw == null) {
            return;
        }
        emit(ts, tenant, tw, tenant, "ABORT_OP", Map.of("opId", p.getOpId().toString()));
        emit(ts, tenant, tw, tenant, "AUDIT_EVENT", Map.of());
        if (tw.equals("residency-violation") && !residencyHeld.getOrDefault(tenant, false)) {
            residencyHeld.put(tenant, true);
            emit(ts, tenant, tw, tenant, "REQUIRE_HITL", Map.of());
        }
    }

    private void override(String tenant, HumanOverride o, long ts) {
        String tw = o.getTripwire().toString();
        if (tw.equals("residency-violation") && residencyHeld.getOrDefault(tenant, false)) {
            residencyHeld.put(tenant, false);
            emit(ts, tenant, tw, tenant, "RESOLVED", Map.of());
        } else if (tw.equals("simulation-delta")) {
            enactApproved.add(tenant);
            if (unapprovedHeld.remove(tenant)) {
                emit(ts, tenant, "unapproved-enact", "ENACT", "RESOLVED", Map.of());
            }
        } else if (tw.equals("error-budget")) {
            note(freezeUntil.remove(tenant) != null ? "error-budget override lifted a freeze" : "error-budget override, nothing frozen");
        } else {
            note("override with no effect (" + tw + ")");
        }
    }

    private void rollout(String tenant, RolloutStep s, long ts) {
        List<RolloutStep> list = steps.computeIfAbsent(tenant, k -> new ArrayList<>());
        Integer previous = s.getPreviousPercent() != null ? s.getPreviousPercent()
                : list.isEmpty() ? null : list.get(list.size() - 1).getStepPercent();
        Long until = freezeUntil.get(tenant);
        if (previous == null) {
            note("rollout step with no previous percent known");
        } else if (s.getStepPercent() > previous && until == null) {
            note("raise, not frozen");
        } else if (s.getStepPercent() > previous && ts >= until) {
            note("raise after the freeze ended");
        } else if (s.getStepPercent() <= previous && until != null && ts < until) {
            note("no raise while frozen");
        }
        // AMBIGUITY (docs/tripwires.md is silent): a step whose previous percent is unknown (no
        // previousPercent, no step before). Read fail-safe, as the engine does: while frozen it counts as
        // a raise and rolls back to "prev" (the docs' word for an unknown previous percent).
        canary.rollout(tenant, s, ts, previous);
        boolean raise = previous == null || s.getStepPercent() > previous;
        if (until != null && ts < until && raise) {
            if (previous == null) {
                note("frozen step with unknown previous percent (ambiguity: read as a raise)");
            }
            // SPEC 3: the region of the step rolled back, when it named one (the key present and null when not)
            Map<String, String> params = new HashMap<>();
            params.put("to", previous == null ? "prev" : String.valueOf(previous));
            params.put("region", s.getRegion() == null ? null : s.getRegion().toString());
            emit(ts, tenant, "ramp-freeze", tenant, "ROLLBACK_LAST_STEP", params);
        }
        list.add(s);
    }

    /** The region the tenant's last rollout step named, or null. */
    private String lastRegion(String tenant) {
        List<RolloutStep> list = steps.getOrDefault(tenant, List.of());
        if (list.isEmpty() || list.get(list.size() - 1).getRegion() == null) {
            return null;
        }
        note("rollback names the last step's region");
        return list.get(list.size() - 1).getRegion().toString();
    }

    /** ROLLBACK_LAST_STEP.to: the last step's previousPercent, else the step before's stepPercent, else "prev". */
    private String rollbackTo(String tenant) {
        List<RolloutStep> list = steps.getOrDefault(tenant, List.of());
        if (list.isEmpty()) {
            note("rollback to prev: no step known");
            return "prev";
        }
        RolloutStep last = list.get(list.size() - 1);
        if (last.getPreviousPercent() != null) {
            return String.valueOf(last.getPreviousPercent());
        }
        note("rollback to: last step has no previousPercent");
        return list.size() >= 2 ? String.valueOf(list.get(list.size() - 2).getStepPercent()) : "prev";
    }

    // ---------------------------------------------------------------- firing / resolving / held-for

    /**
     * SPEC 3, firing and resolving. Not firing: fires at the first evaluation t >= t0 + held-for of a
     * run of evaluations (from t0) each past the threshold and significant. Firing: resolves at the
     * first evaluation t >= t1 + keep-firing-for of a run of evaluations (from t1) each not past it.
     */
    private void evaluate(String tenant, String tw, String scope, long t, long heldMs, boolean past,
                          java.util.function.BooleanSupplier significant) {
        Hold h = holds.computeIfAbsent(tw + "|" + tenant + "|" + scope, k -> new Hold());
        if (h.firing) {
            if (past) {
                h.resolveStart = null;
                return;
            }
            if (h.resolveStart == null) {
                h.resolveStart = t;
            }
            if (t >= h.resolveStart + c.keepFiringForMs()) {
                if (c.keepFiringForMs() > 0) {
                    note("resolved after keep-firing-for");
                }
                emit(t, tenant, tw, scope, "RESOLVED", Map.of());
                h.firing = false;
                h.resolveStart = null;
                h.runStart = null;
            }
            return;
        }
        if (!past || !significant.getAsBoolean()) {
            h.runStart = null;
            return;
        }
        if (h.runStart == null) {
            h.runStart = t;
        }
        if (t >= h.runStart + heldMs) {
            h.firing = true;
            fire(tenant, tw, scope, t);
        }
    }

    private void fire(String tenant, String tw, String scope, long t) {
        switch (tw) {
            case "error-budget" -> {
                Map<String, String> rollback = new HashMap<>();
                rollback.put("to", rollbackTo(tenant));
                rollback.put("region", lastRegion(tenant)); // SPEC 3: the last step's region, null when it named none
                emit(t, tenant, tw, scope, "ROLLBACK_LAST_STEP", rollback);
                long until = t + c.freezeForMs();
                freezeUntil.put(tenant, until);
                emit(t, tenant, tw, scope, "FREEZE_RAMP", Map.of("until", Instant.ofEpochMilli(until).toString()));
                emit(t, tenant, tw, scope, "OPEN_INCIDENT", Map.of());
            }
            case "burn-rate-fast" -> emit(t, tenant, tw, scope, "ALERT", Map.of("severity", "page"));
            case "burn-rate-slow" -> emit(t, tenant, tw, scope, "ALERT", Map.of("severity", "ticket"));
            case "ingest-errors" -> emit(t, tenant, tw, scope, "ALERT", Map.of("severity", "critical"));
            case "read-latency", "write-latency", "autonomy-rate", "cost-budget" -> emit(t, tenant, tw, scope, "ALERT", Map.of("severity", "warning"));
            case "cache-hit" -> {
                emit(t, tenant, tw, scope, "ALERT", Map.of("severity", "warning"));
                emit(t, tenant, tw, scope, "STOP_RAMP", Map.of());
            }
            case "replica-lag" -> {
                emit(t, tenant, tw, scope, "STOP_RAMP", Map.of());
                emit(t, tenant, tw, scope, "FAILOVER_READ_REPLICAS", Map.of());
                emit(t, tenant, tw, scope, "QUEUE_WRITES", Map.of());
                emit(t, tenant, tw, scope, "NOTIFY_ONCALL", Map.of());
            }
            case "autonomy-compensation" -> {
                emit(t, tenant, tw, scope, "THROTTLE_AUTONOMY", Map.of("to", "0.25"));
                emit(t, tenant, tw, scope, "ENTER_SIMULATE", Map.of());
            }
            case "simulation-delta" -> {
                emit(t, tenant, tw, scope, "ALERT", Map.of("severity", "warning"));
                emit(t, tenant, tw, scope, "BLOCK_ENACT", Map.of());
            }
            default -> throw new IllegalStateException(tw);
        }
    }

    private void note(String what) {
        stats.merge(what, 1L, Long::sum);
    }

    private void emit(long t, String tenant, String tw, String scope, String action, Map<String, String> params) {
        if ((action.equals("BLOCK_ENACT") || action.equals("THROTTLE_AUTONOMY")) && enactApproved.remove(tenant)) {
            note("approval to enact ended by " + action); // issue 24
        }
        current.add(new Firing(index, Instant.ofEpochMilli(t), tenant, tw, scope, action, new LinkedHashMap<>(params)));
    }
}
