package io.tripwire.cli.gate;

import io.tripwire.cli.history.CarryIn;
import io.tripwire.engine.approvals.RefusedOverrides;
import io.tripwire.engine.replay.ReplayEngine;
import io.tripwire.engine.replay.ReplayInput;
import io.tripwire.engine.replay.ReplayOutput;
import io.tripwire.engine.rules.Rules;
import io.tripwire.engine.signals.HistogramSerde;
import io.tripwire.engine.signals.Percentiles;
import io.tripwire.engine.tripwires.Significance;
import io.tripwire.schemas.ActionType;
import io.tripwire.schemas.HumanOverride;
import io.tripwire.schemas.Op;
import io.tripwire.schemas.RequestLatency;
import io.tripwire.schemas.TripwireAction;
import io.tripwire.signing.ActionSigner;
import org.HdrHistogram.Histogram;
import org.apache.avro.specific.SpecificRecord;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The readiness check a rollout script calls before a wave (the packet's
 * {@code tenant_readiness_check.sh --tenant T --window 14d --slo 0.994 -> PASS}), over one tenant's
 * events in a window: availability against the SLO with the e-value guard of SPEC 3 (PASS only when
 * the data show it is met, FAIL when they show it is missed, INCONCLUSIVE when they show neither),
 * p95/p99 per op overall and per UTC day against their thresholds, tripwires fired in the window,
 * and holds still open at its end. Deterministic: the same events give the same verdict.
 *
 * <p>The replay begins before the window ({@link CarryIn}): the rules' longest reach earlier, or
 * earlier still for a hold open then, so a residency hold or ramp freeze set before the window is
 * open at its end as it was live. Only the window's own events and firings are counted.
 */
public final class Gate {

    public enum Verdict { PASS, FAIL, INCONCLUSIVE }

    /**
     * One check: its name, verdict, the figure it found and the rule it applied, and the figure's
     * numbers for {@code --json} (e.g. the availability check's e-values).
     */
    public record Check(String name, Verdict verdict, String figure, String rule, Map<String, Object> figures) {
        public Check(String name, Verdict verdict, String figure, String rule) {
            this(name, verdict, figure, rule, Map.of());
        }
    }

    /** What the gate decided: the overall verdict is FAIL if any check fails, else INCONCLUSIVE if any is, else PASS. */
    public record Result(String tenant, Instant from, Instant to, Verdict verdict, List<Check> checks) {
        /** Exit code for scripts: 0 PASS, 1 FAIL, 3 INCONCLUSIVE. */
        public int exitCode() {
            return switch (verdict) {
                case PASS -> 0;
                case FAIL -> 1;
                case INCONCLUSIVE -> 3;
            };
        }
    }

    /**
     * @param slo          availability objective, e.g. 0.994
     * @param confidence   of the availability test, e.g. 0.95
     * @param priorStrength of the availability test's e-value (SPEC 3 "Significance")
     * @param latencyMs    thresholds by op, percentile (95, 99) -> milliseconds; absent: not checked
     * @param cacheHit     the warm-up floor of {@link CacheHitCheck} ({@code --cache-hit}); null: not checked
     * @param cacheMetric  the metric of the cache hit ratio series, e.g. cache_hit_ratio
     */
    public record Settings(String tenant, Duration window, double slo, double confidence, double priorStrength, Map<Op, Map<Integer, Double>> latencyMs,
                           Double cacheHit, String cacheMetric) {
        public Settings(String tenant, Duration window, double slo, double confidence, double priorStrength, Map<Op, Map<Integer, Double>> latencyMs) {
            this(tenant, window, slo, confidence, priorStrength, latencyMs, null, "cache_hit_ratio");
        }
    }

    private Gate() {
    }

    /**
     * Runs the gate on {@code input} (any tenants): {@code s.tenant()}'s events in {@code [carry.replayFrom(), to)}
     * are replayed, those in the window {@code [from, to)} are counted, and the holds at its end are
     * those of the whole replay (a hold opened before the window is still open at its end).
     */
    public static Result run(Settings s, CarryIn carry, ReplayInput input, Rules rules, ActionSigner signer) {
        List<ReplayInput.Event> replayed = input.events().stream()
                .filter(e -> tenantOf(e.event()).equals(s.tenant()) && carry.replays(e.ts()))
                .sorted(Comparator.comparing(ReplayInput.Event::ts)).toList();
        List<ReplayInput.Event> mine = replayed.stream().filter(e -> carry.counts(e.ts())).toList();
        List<TripwireAction> actions;
        try (ReplayEngine engine = new ReplayEngine(rules, signer)) {
            replayed.forEach(e -> engine.send(e.event(), e.line(), e.source(), e.raw()));
            ReplayOutput out = engine.output();
            actions = out.actions();
        }
        List<Check> checks = new ArrayList<>();
        checks.add(availability(s, mine));
        checks.addAll(latency(s, mine));
        if (s.cacheHit() != null) {
            checks.add(CacheHitCheck.check(s.cacheMetric(), s.cacheHit(), mine));
        }
        checks.add(fired(actions.stream().filter(a -> carry.counts(a.getFiredAt())).toList()));
        checks.add(holds(actions, replayed, carry));
        Verdict v = checks.stream().anyMatch(c -> c.verdict() == Verdict.FAIL) ? Verdict.FAIL
                : checks.stream().anyMatch(c -> c.verdict() == Verdict.INCONCLUSIVE) ? Verdict.INCONCLUSIVE : Verdict.PASS;
        return new Result(s.tenant(), carry.from(), carry.to(), v, checks);
    }

    private static Check availability(Settings s, List<ReplayInput.Event> events) {
        long n = 0;
        long bad = 0;
        for (ReplayInput.Event e : events) {
            if (e.event() instanceof RequestLatency r) {
                n++;
                if (r.getStatus() >= 500) {
                    bad++;
                }
            }
        }
        double allowed = 1 - s.slo();
        Significance guard = new Significance(s.confidence(), s.priorStrength());
        String rule = String.format(Locale.ROOT, "availability >= %s: PASS when the bad share is below %s and its e-value for "
                + "\"below\" reaches %s, FAIL when it is above and the e-value for \"above\" does (SPEC 3 \"Significance\": "
                + "beta-binomial mixture, prior strength %s, %s confidence)", pct(s.slo()), num(allowed), num(guard.level()),
                num(s.priorStrength()), pct(s.confidence()));
        if (n == 0) {
            return new Check("availability", Verdict.INCONCLUSIVE, "no requests in the window", rule, Map.of());
        }
        // the same guard as the engine's ratio tripwires, on both sides: e for "met" and e for "missed"
        double share = (double) bad / n;
        Significance.Test met = guard.test(bad, n, allowed, false);
        Significance.Test missed = guard.test(bad, n, allowed, true);
        Verdict v = share < allowed && met.e() >= guard.level() ? Verdict.PASS
                : share > allowed && missed.e() >= guard.level() ? Verdict.FAIL : Verdict.INCONCLUSIVE;
        String figure = String.format(Locale.ROOT, "%s (%,d bad of %,d requests; e(met) %s, e(missed) %s; needs %s)",
                pct(1 - share), bad, n, Significance.Test.eText(met.e()), Significance.Test.eText(missed.e()), num(guard.level()));
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("availability", 1 - share);
        figures.put("bad", bad);
        figures.put("requests", n);
        figures.put("eMet", met.e());
        figures.put("eMissed", missed.e());
        figures.put("pMet", met.p());
        figures.put("pMissed", missed.p());
        figures.put("level", guard.level());
        figures.put("confidence", s.confidence());
        figures.put("priorStrength", s.priorStrength());
        return new Check("availability", v, figure, rule, figures);
    }

    private static List<Check> latency(Settings s, List<ReplayInput.Event> events) {
        Map<Op, Histogram> all = new EnumMap<>(Op.class);
        Map<Op, Map<LocalDate, Histogram>> daily = new EnumMap<>(Op.class);
        for (ReplayInput.Event e : events) {
            if (e.event() instanceof RequestLatency r) {
                long us = Math.round(r.getLatencyMs() * 1000.0);
                all.computeIfAbsent(r.getOp(), o -> HistogramSerde.newHistogram()).recordValue(us);
                daily.computeIfAbsent(r.getOp(), o -> new TreeMap<>())
                        .computeIfAbsent(LocalDate.ofInstant(e.ts(), ZoneOffset.UTC), d -> HistogramSerde.newHistogram()).recordValue(us);
            }
        }
        List<Check> out = new ArrayList<>();
        s.latencyMs().forEach((op, byP) -> byP.forEach((p, limit) -> {
            String name = op.name().toLowerCase(Locale.ROOT) + " p" + p;
            String rule = String.format(Locale.ROOT, "%s p%d <= %s ms over the window and on every UTC day with %s requests (nearest rank)",
                    op, p, num(limit), op);
            Histogram h = all.get(op);
            if (h == null) {
                // a limit no request could break is met: a tenant without writes is not held back by its write latency
                out.add(new Check(name, Verdict.PASS, "no " + op + " requests in the window: nothing to check", rule));
                return;
            }
            double overall = Percentiles.nearestRank(h, p);
            LocalDate worstDay = null;
            double worst = Double.NEGATIVE_INFINITY;
            int over = 0;
            for (Map.Entry<LocalDate, Histogram> d : daily.get(op).entrySet()) {
                double v = Percentiles.nearestRank(d.getValue(), p);
                if (v > limit) {
                    over++;
                }
                if (v > worst) {
                    worst = v;
                    worstDay = d.getKey();
                }
            }
            boolean fail = overall > limit || over > 0;
            String figure = String.format(Locale.ROOT, "%s ms overall (%,d requests); worst day %s at %s ms; %d of %d days over %s ms",
                    num(overall), h.getTotalCount(), worstDay, num(worst), over, daily.get(op).size(), num(limit));
            out.add(new Check(name, fail ? Verdict.FAIL : Verdict.PASS, figure, rule));
        }));
        return out;
    }

    private static Check fired(List<TripwireAction> actions) {
        Map<String, List<Instant>> firings = new TreeMap<>(); // tripwire -> firing times (one per decision)
        java.util.Set<String> decisions = new java.util.HashSet<>();
        for (TripwireAction a : actions) {
            if (a.getAction() != ActionType.RESOLVED && decisions.add(a.getDecisionId())) {
                firings.computeIfAbsent(a.getTripwire(), k -> new ArrayList<>()).add(a.getFiredAt());
            }
        }
        String rule = "no tripwire fired in the window (a replay with the engine's rules; firings before it, in the carry-in, do not count)";
        if (firings.isEmpty()) {
            return new Check("tripwires fired", Verdict.PASS, "none", rule);
        }
        List<String> parts = new ArrayList<>();
        firings.forEach((tw, at) -> parts.add(tw + " ×" + at.size() + " (first " + at.get(0) + ")"));
        return new Check("tripwires fired", Verdict.FAIL, String.join(", ", parts), rule);
    }

    /**
     * A residency hold without its RESOLVED, or a ramp freeze still in force at the end and not lifted
     * by an override, in the whole replay (the carry-in included). None found where the history could
     * not be read back is INCONCLUSIVE, not a PASS.
     */
    private static Check holds(List<TripwireAction> actions, List<ReplayInput.Event> events, CarryIn carry) {
        Instant end = carry.to();
        List<String> open = new ArrayList<>();
        boolean held = false;
        Instant heldSince = null;
        Instant frozenUntil = null;
        Instant frozenAt = null;
        for (TripwireAction a : actions) {
            if (a.getTripwire().equals("residency-violation") && a.getAction() == ActionType.REQUIRE_HITL) {
                held = true;
                heldSince = a.getFiredAt();
            } else if (a.getTripwire().equals("residency-violation") && a.getAction() == ActionType.RESOLVED) {
                held = false;
            } else if (a.getAction() == ActionType.FREEZE_RAMP && a.getParams().get("until") != null) {
                frozenAt = a.getFiredAt();
                frozenUntil = Instant.parse(a.getParams().get("until"));
            }
        }
        if (frozenAt != null) {
            // an override the engine refused (SPEC 3, "Human approvals": its AUDIT_EVENT names the token at the override's ts) lifts nothing
            RefusedOverrides refused = RefusedOverrides.of(actions);
            for (ReplayInput.Event e : events) {
                if (e.event() instanceof HumanOverride o && o.getTripwire().equals("error-budget") && !o.getTs().isBefore(frozenAt)
                        && !refused.refused(o)) {
                    frozenUntil = null; // lifted early (SPEC 3)
                }
            }
        }
        if (held) {
            open.add("residency hold since " + heldSince + " (no override)");
        }
        if (frozenUntil != null && frozenUntil.isAfter(end)) {
            open.add("ramp frozen until " + frozenUntil);
        }
        String rule = "no residency hold awaiting a human and no ramp freeze in force at " + end + " (replayed from "
                + carry.replayFrom() + ", so that holds opened before the window are seen)";
        List<CarryIn.Gap> gaps = carry.gaps(CarryIn.Hides.HOLDS);
        if (open.isEmpty() && !gaps.isEmpty()) {
            return new Check("holds open at the end", Verdict.INCONCLUSIVE, "none seen, but could not look further back: "
                    + String.join("; ", gaps.stream().map(CarryIn.Gap::text).toList()), rule);
        }
        return new Check("holds open at the end", open.isEmpty() ? Verdict.PASS : Verdict.FAIL,
                open.isEmpty() ? "none" : String.join("; ", open), rule);
    }

    static String tenantOf(SpecificRecord e) {
        return e.get(e.getSchema().getField("tenant").pos()).toString();
    }

    private static String pct(double v) {
        return new java.math.BigDecimal(v * 100).round(new java.math.MathContext(6)).stripTrailingZeros().toPlainString() + "%";
    }

    static String num(double v) {
        if (v != 0 && Math.abs(v) < 1e-4) {
            return String.format(Locale.ROOT, "%.2g", v);
        }
        return new java.math.BigDecimal(v).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
    }
}
