package io.tripwire.engine.tripwires;

import io.tripwire.engine.rules.RuleDefaults;
import io.tripwire.engine.rules.RuleNode;
import io.tripwire.engine.rules.RulesException;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code canary-split} (kind {@code canary-split}): the router is not doing what the rollout step
 * intended. Per tenant and stage whose rollout step names a stepPercent strictly between 0 and 100,
 * the canary's share of the stage's labelled requests (all services and ops, once the first
 * {@code settle} of the stage is over: routers take a moment to apply a step) is tested against
 * stepPercent / 100 with the two-sided mixture of the beta-binomial e-values of SPEC 3
 * "Significance" (the mean of the e-value for "above" and the one for "below"). One ALERT per
 * stage names both shares when it reaches 1/(1 − confidence); it resolves at the next stage. The
 * canary judgement itself stays valid whatever the split (it conditions on each bucket's margins):
 * this is a warning about the rollout, not about the canary.
 */
public final class CanarySplitTripwire extends RuleTripwire<CanarySplitTripwire.Rule, CanaryBucket> {

    /** The rule: confidence (default 0.99), prior strength, min-events, and how long after a step the split may settle. */
    public record Rule(String id, Significance significance, int minEvents, Duration settle, List<String> actions,
                       Map<String, Map<String, String>> params) implements KindRule {
        /** The stage's start less the baseline's window (CANARY_PASSED is no firing). */
        @Override
        public java.time.Instant reopenFrom(io.tripwire.schemas.TripwireAction opened) {
            return CanaryTripwire.stageReplayStart(opened);
        }

        @Override
        public Duration stateWindow() {
            return settle;
        }


        static Rule parse(RuleNode n, RuleDefaults d) {
            n.onlyKeys(KindRule.keys("confidence", "prior-strength", "min-events", "settle"));
            List<String> actions = KindRule.actions(n);
            double confidence = n.confidence("confidence", CanaryTripwire.Rule.DEFAULT_CONFIDENCE);
            if (Double.isNaN(confidence)) {
                throw new RulesException(n.path() + ".confidence: the split check has no plain form; give a number between 0 and 1");
            }
            double c = n.has(Significance.PRIOR_KEY) ? n.positive(Significance.PRIOR_KEY) : d.priorStrength();
            return new Rule(n.name(), new Significance(confidence, c), n.positiveInt("min-events", d.minEvents()),
                    n.duration("settle", Duration.ofMinutes(2)), actions, KindRule.params(n, actions));
        }

        @Override
        public Tripwire<?> tripwire() {
            return new CanarySplitTripwire(this);
        }
    }

    public CanarySplitTripwire(Rule rule) {
        super(rule, CanaryBucket.class);
    }

    @Override
    public void evaluate(CanaryBucket b, Decisions decisions) {
        if (b.kind() != CanaryBucket.Kind.TRAFFIC) {
            return;
        }
        CanaryState s = decisions.canary(rule, b.tenant(), b.scope());
        if (s == null || s.stageStart() != b.stage().start()) {
            s = CanaryState.fresh(b.stage().start());
        }
        if (b.stageEnd()) {
            if (s.fired()) {
                decisions.resolveOnEvent(rule, b.tenant(), b.scope(), b.at(), "stage-end",
                        new Finding("stage from " + Instant.ofEpochMilli(s.stageStart()) + " ended at the next rollout step",
                                evidence(b, s, Double.NaN)));
            }
            decisions.canary(rule, b.tenant(), b.scope(), null);
            return;
        }
        int step = b.stage().stepPercent();
        long settledFrom = b.stage().start() + rule.settle.toMillis();
        if (step <= 0 || step >= 100 || b.at() - io.tripwire.engine.signals.Minutes.MILLIS < settledFrom) {
            return; // no split to check, or a bucket that began while the router may still be switching
        }
        CanaryState next = new CanaryState(s.stageStart(), s.canary() + b.canary(), 0, s.baseline() + b.baseline(), 0,
                s.logWorse(), s.logNoWorse(), s.firedAt(), -1, Double.NaN);
        long n = next.canary() + next.baseline();
        double x = step / 100.0;
        double e = n < rule.minEvents ? 0 : twoSided(next.canary(), n, x);
        if (!next.fired() && e >= rule.significance.level()) {
            next = new CanaryState(next.stageStart(), next.canary(), 0, next.baseline(), 0, next.logWorse(), next.logNoWorse(),
                    b.at(), -1, Double.NaN);
            double share = (double) next.canary() / n;
            decisions.fireOnEvent(rule, b.tenant(), b.scope(), b.at(), null, rule.actions(), new Finding(String.format(java.util.Locale.ROOT,
                    "canary share %s%% of %,d labelled requests, but the rollout step says %d%% (e = %s >= %s at %s confidence; since %s)",
                    Round.text(100 * share), n, step, Significance.Test.eText(e), Round.text(rule.significance.level()),
                    rule.significance.percent(), Instant.ofEpochMilli(settledFrom)), evidence(b, next, e)));
        }
        decisions.canary(rule, b.tenant(), b.scope(), next);
    }

    /** The mean of the e-values for "the share is above x" and "below x": an e-value for "the share is not x". */
    private double twoSided(long k, long n, double x) {
        double c = rule.significance.priorStrength();
        double above = (double) k / n > x ? Math.exp(Significance.logE(k, n, x, true, c)) : 0;
        double below = (double) k / n < x ? Math.exp(Significance.logE(k, n, x, false, c)) : 0;
        return (above + below) / 2;
    }

    private Map<String, Object> evidence(CanaryBucket b, CanaryState s, double e) {
        Map<String, Object> ev = new LinkedHashMap<>();
        long n = s.canary() + s.baseline();
        ev.put("stageStart", Instant.ofEpochMilli(s.stageStart()).toString());
        ev.put("stepPercent", (long) b.stage().stepPercent());
        ev.put("canaryRequests", s.canary());
        ev.put("baselineRequests", s.baseline());
        ev.put("canaryShare", n == 0 ? null : Round.ratio((double) s.canary() / n));
        ev.put("e", Double.isNaN(e) ? null : Round.ratio(CanaryTripwire.capped(e)));
        ev.put("confidence", rule.significance.confidence());
        ev.put("priorStrength", rule.significance.priorStrength());
        ev.put("settle", RuleNode.format(rule.settle));
        return ev;
    }
}
