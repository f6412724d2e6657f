package io.tripwire.engine.tripwires;

import io.tripwire.engine.rules.RuleDefaults;
import io.tripwire.engine.rules.RuleNode;
import io.tripwire.engine.rules.RulesException;
import io.tripwire.engine.signals.Signal;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code canary-errors} / {@code canary-latency} (kind {@code canary}): the canary judged against
 * the baseline, minute by minute (SPEC 3, "Canary judgement"). Per key (tenant × service for
 * errors, tenant × op for latency) and stage, each closed minute bucket with bad requests and both
 * cohorts adds the exact conditional likelihood ratio of its counts ({@link CanaryEvidence}), once
 * the stage holds min-events requests of each cohort. Fires (ROLLBACK_LAST_STEP to the stage's
 * previous percent, ALERT) when e_worse, the mean over the odds ratios 1.25 … 20 against 1, reaches
 * 1/(1 − confidence); stays firing until the stage ends, then resolves. Emits one CANARY_PASSED per
 * stage when e_pass, the mean over 0.5 and 1 against {@code tolerance}, reaches it first.
 */
public final class CanaryTripwire extends RuleTripwire<CanaryTripwire.Rule, CanaryBucket> {

    /** The action a passing key emits, once per stage. */
    public static final String PASSED = "CANARY_PASSED";
    /** The baseline window τ is taken over, in minutes before a bucket (the percentile definition of {@code read-latency}). */
    public static final int TAU_WINDOW_MINUTES = 5;

    /**
     * Where a replay must begin for a canary record's firing to open again: the start of its stage (its evidence's
     * {@code stageStart}, else its firing time), less the baseline's window; the stage is judged from its start.
     */
    static java.time.Instant stageReplayStart(io.tripwire.schemas.TripwireAction a) {
        Object start = a.getEvidence() == null ? null : a.getEvidence().get("stageStart");
        java.time.Instant stage = start == null ? a.getFiredAt() : java.time.Instant.parse(start.toString());
        return stage.minus(Duration.ofMinutes(TAU_WINDOW_MINUTES));
    }

    /**
     * The rule: which comparison, the confidence (default 0.99, not the ratio tripwires' global
     * one), the tolerance of "no worse", and the requests each cohort needs before buckets count.
     */
    public record Rule(String id, CanaryBucket.Kind compare, double confidence, double tolerance, int minEvents,
                       List<String> actions, Map<String, Map<String, String>> params) implements KindRule {
        /** The stage's start less the baseline's window (CANARY_PASSED is no firing). */
        @Override
        public java.time.Instant reopenFrom(io.tripwire.schemas.TripwireAction opened) {
            return CanaryTripwire.stageReplayStart(opened);
        }

        @Override
        public Duration stateWindow() {
            return Duration.ofMinutes(TAU_WINDOW_MINUTES); // the baseline's p95 over the minutes before a bucket
        }


        static final double DEFAULT_CONFIDENCE = 0.99;
        static final double DEFAULT_TOLERANCE = 1.5;

        static Rule parse(RuleNode n, RuleDefaults d) {
            n.onlyKeys(KindRule.keys("compare", "confidence", "tolerance", "min-events"));
            List<String> actions = KindRule.actions(n);
            CanaryBucket.Kind compare = CanaryBucket.Kind.valueOf(n.choice("compare", Set.of("errors", "latency")).toUpperCase(java.util.Locale.ROOT));
            double confidence = n.confidence("confidence", DEFAULT_CONFIDENCE);
            if (Double.isNaN(confidence)) {
                throw new RulesException(n.path() + ".confidence: the canary judgement has no plain form; give a number between 0 and 1");
            }
            double tolerance = n.has("tolerance") ? n.positive("tolerance") : DEFAULT_TOLERANCE;
            if (tolerance <= 1) {
                throw new RulesException(n.path() + ".tolerance: expected an odds ratio > 1 (e.g. 1.5), got " + tolerance);
            }
            return new Rule(n.name(), compare, confidence, tolerance, n.positiveInt("min-events", d.minEvents()), actions,
                    KindRule.params(n, actions));
        }

        /** The e-value a key needs to fire or pass: 1/(1 − confidence). */
        public double level() {
            return 1.0 / (1.0 - confidence);
        }

        @Override
        public Tripwire<?> tripwire() {
            return new CanaryTripwire(this);
        }
    }

    public CanaryTripwire(Rule rule) {
        super(rule, CanaryBucket.class);
    }

    @Override
    public void evaluate(CanaryBucket b, Decisions decisions) {
        if (b.kind() != rule.compare) {
            return;
        }
        CanaryState s = decisions.canary(rule, b.tenant(), b.scope());
        if (s == null || s.stageStart() != b.stage().start()) {
            s = CanaryState.fresh(b.stage().start());
        }
        if (b.stageEnd()) {
            if (s.fired()) {
                decisions.resolveOnEvent(rule, b.tenant(), b.scope(), b.at(), "stage-end", new Finding(
                        "stage from " + Instant.ofEpochMilli(s.stageStart()) + " ended at the next rollout step; "
                                + "the canary is judged afresh from here", evidence(b, s, false)));
            }
            decisions.canary(rule, b.tenant(), b.scope(), null);
            return;
        }
        CanaryState next = add(s, b);
        // capped: an e-value past the largest double is Infinity, which JSON (signals.jsonl) has no number for
        decisions.signal(new Signal("canary_e_worse", b.tenant(), b.scope(), b.at(), capped(next.eWorse())));
        if (!next.fired() && next.eWorse() >= rule.level()) {
            next = withFired(next, b.at());
            Map<String, Map<String, String>> params = new LinkedHashMap<>();
            Map<String, String> rollback = new LinkedHashMap<>();
            rollback.put("to", b.stage().rollbackTo());
            if (b.stage().region() != null) {
                rollback.put("region", b.stage().region());
            }
            params.put("ROLLBACK_LAST_STEP", rollback);
            decisions.fireOnEvent(rule, b.tenant(), b.scope(), b.at(), null, rule.actions(),
                    new Finding(reason(b, next, true), evidence(b, next, false), params));
        }
        if (!next.fired() && !next.passed() && next.ePass() >= rule.level()) {
            next = withPassed(next, b.at());
            decisions.fireOnEvent(rule, b.tenant(), b.scope(), b.at(), "passed", List.of(PASSED),
                    new Finding(reason(b, next, false), evidence(b, next, true)));
        }
        decisions.canary(rule, b.tenant(), b.scope(), next);
    }

    /** The key's state with one closed bucket added: its counts always, its evidence when it can carry some. */
    private CanaryState add(CanaryState s, CanaryBucket b) {
        long canary = s.canary() + b.canary();
        long baseline = s.baseline() + b.baseline();
        double[] worse = s.logWorse().clone();
        double[] noWorse = s.logNoWorse().clone();
        long m = b.canaryBad() + b.baselineBad();
        if (CanaryEvidence.informative(b.canary(), b.baseline(), m) && canary >= rule.minEvents && baseline >= rule.minEvents) {
            new CanaryEvidence(b.canary(), b.baseline(), m).addTo(b.canaryBad(), worse, noWorse, rule.tolerance);
        }
        return new CanaryState(s.stageStart(), canary, s.canaryBad() + b.canaryBad(), baseline, s.baselineBad() + b.baselineBad(),
                worse, noWorse, s.firedAt(), s.passedAt(), Double.isNaN(b.tauMs()) ? s.lastTauMs() : b.tauMs());
    }

    private static CanaryState withFired(CanaryState s, long at) {
        return new CanaryState(s.stageStart(), s.canary(), s.canaryBad(), s.baseline(), s.baselineBad(), s.logWorse(),
                s.logNoWorse(), at, s.passedAt(), s.lastTauMs());
    }

    private static CanaryState withPassed(CanaryState s, long at) {
        return new CanaryState(s.stageStart(), s.canary(), s.canaryBad(), s.baseline(), s.baselineBad(), s.logWorse(),
                s.logNoWorse(), s.firedAt(), at, s.lastTauMs());
    }

    private String what(CanaryBucket b) {
        return rule.compare == CanaryBucket.Kind.ERRORS ? "5xx of service " + b.scope()
                : "requests slower than the baseline's p95 (" + b.scope() + ")";
    }

    private String reason(CanaryBucket b, CanaryState s, boolean worse) {
        String counts = String.format(java.util.Locale.ROOT, "canary %d / %d, baseline %d / %d", s.canaryBad(), s.canary(),
                s.baselineBad(), s.baseline());
        String stage = " in the stage from " + Instant.ofEpochMilli(s.stageStart())
                + (b.stage().stepPercent() >= 0 ? " (" + b.stage().stepPercent() + "%)" : "");
        double e = worse ? s.eWorse() : s.ePass();
        String test = "e = " + Significance.Test.eText(e) + " >= " + Round.text(rule.level()) + " at "
                + new Significance(rule.confidence, Double.NaN).percent() + " confidence";
        return worse
                ? "canary worse than baseline: its odds of " + what(b) + " are higher (" + counts + ", rate ratio "
                        + ratioText(s.rateRatio()) + ";" + " " + test + ")" + stage
                : "canary no worse than baseline: its odds of " + what(b) + " are below " + Round.text(rule.tolerance) + "x the baseline's ("
                        + counts + ", rate ratio " + ratioText(s.rateRatio()) + "; " + test + ")" + stage;
    }

    private static String ratioText(double r) {
        return Double.isNaN(r) ? "n/a" : Double.isInfinite(r) ? "inf" : Round.text(r);
    }

    /** The evidence of a record: {@code e} is the e-value that decided (e_pass for CANARY_PASSED, else e_worse). */
    private Map<String, Object> evidence(CanaryBucket b, CanaryState s, boolean pass) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("stageStart", Instant.ofEpochMilli(s.stageStart()).toString());
        e.put("stepPercent", b.stage().stepPercent() >= 0 ? (long) b.stage().stepPercent() : null);
        e.put("canaryRequests", s.canary());
        e.put("canaryBad", s.canaryBad());
        e.put("baselineRequests", s.baseline());
        e.put("baselineBad", s.baselineBad());
        double ratio = s.rateRatio();
        e.put("rateRatio", Double.isFinite(ratio) ? Round.ratio(ratio) : null);
        if (rule.compare == CanaryBucket.Kind.LATENCY) {
            e.put("tauMs", Double.isNaN(s.lastTauMs()) ? null : s.lastTauMs());
        }
        e.put("e", Round.ratio(capped(pass ? s.ePass() : s.eWorse())));
        e.put("eWorse", Round.ratio(capped(s.eWorse())));
        e.put("ePass", Round.ratio(capped(s.ePass())));
        e.put("confidence", rule.confidence);
        e.put("tolerance", rule.tolerance);
        return e;
    }

    /** e in evidence: at most 1e300, so it stays a finite JSON number after rounding. */
    static double capped(double e) {
        return Double.isNaN(e) ? e : Math.min(e, Significance.MAX_E);
    }
}
