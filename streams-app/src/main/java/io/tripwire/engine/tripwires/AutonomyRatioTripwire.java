package io.tripwire.engine.tripwires;

import io.tripwire.engine.rules.RuleDefaults;
import io.tripwire.engine.rules.RuleNode;
import io.tripwire.engine.rules.RulesException;
import io.tripwire.engine.signals.Tally;
import io.tripwire.schemas.AutonomyMode;
import io.tripwire.schemas.HumanOverride;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code autonomy-compensation} / {@code autonomy-rate} / {@code simulation-delta}: per tenant and
 * mode (ENACT by default; {@code mode: SIMULATE} for the simulation delta), fires when the
 * compensated (or autonomous) share of decided ops of that mode over the window is above (or below)
 * the threshold, on at least min-events decided ops, and the e-value on that side against "the true
 * share is the threshold" reaches 1/(1 − confidence) (the shipped rules use prior strength 100: a
 * day holds hundreds of ops, not tens of thousands of requests). Resolves when the share is no
 * longer past the threshold. Decisions of the other mode never count.
 *
 * <p>In SIMULATE mode a signed override naming this tripwire is the approval to enact (issue 24): it
 * is honoured only when the tenant's simulation share is, at its time, significantly on the good
 * side of the threshold (the other side's e-value reaches the level, on at least min-events ops);
 * else it is refused ({@value #NOT_PASSED}). An honoured one puts the approval in force until a
 * BLOCK_ENACT or THROTTLE_AUTONOMY fires for the tenant.
 */
public final class AutonomyRatioTripwire extends RuleTripwire<AutonomyRatioTripwire.Rule, AutonomyWindow> {

    /** The rule: which ratio, above or below which threshold, over which window, and the guard. */
    public record Rule(String id, AutonomyMode mode, String ratio, boolean above, double threshold, Duration window, int minEvents,
                       Significance significance, Duration keepFiringFor,
                       List<String> actions, Map<String, Map<String, String>> params) implements KindRule {
        @Override
        public Duration stateWindow() {
            return window;
        }


        static Rule parse(RuleNode n, RuleDefaults d) {
            n.onlyKeys(KindRule.keys("mode", "ratio", "above", "below", "window", "min-events", "confidence", "prior-strength",
                    "keep-firing-for"));
            if (n.has("above") == n.has("below")) {
                throw new RulesException(n.path() + ": give exactly one of 'above' or 'below'");
            }
            boolean above = n.has("above");
            List<String> actions = KindRule.actions(n);
            AutonomyMode mode = n.has("mode") ? AutonomyMode.valueOf(n.choice("mode", Set.of("ENACT", "SIMULATE"))) : AutonomyMode.ENACT;
            return new Rule(n.name(), mode, n.choice("ratio", Set.of("compensated", "autonomous")), above,
                    n.fraction(above ? "above" : "below"), n.duration("window", true), n.positiveInt("min-events", d.minEvents()),
                    Significance.parse(n, d), n.duration("keep-firing-for", Duration.ZERO), actions, KindRule.params(n, actions));
        }

        /** The signal this rule's ratio is drawn as: compensation_rate, autonomy_rate, or simulation_delta in SIMULATE mode. */
        public String signal() {
            if (mode == AutonomyMode.SIMULATE) {
                return ratio.equals("compensated") ? "simulation_delta" : "simulation_autonomy_rate";
            }
            return ratio.equals("compensated") ? "compensation_rate" : "autonomy_rate";
        }

        @Override
        public Tripwire<?> tripwire() {
            return new AutonomyRatioTripwire(this);
        }
    }

    /** The dead-letter reason of an approval to enact while the simulation has not passed. */
    public static final String NOT_PASSED = "override-simulation-not-passed";

    public AutonomyRatioTripwire(Rule rule) {
        super(rule, AutonomyWindow.class);
    }

    @Override
    public List<Duration> windows() {
        return List.of(rule.window);
    }

    @Override
    public void evaluate(AutonomyWindow w, Decisions decisions) {
        if (w.mode() != rule.mode) {
            return;
        }
        Tally t = w.window(rule.window);
        long decided = t.get(AutonomyWindow.DECIDED);
        long k = t.get(rule.ratio.equals("compensated") ? AutonomyWindow.COMPENSATED : AutonomyWindow.AUTONOMOUS);
        double rate = rule.ratio.equals("compensated") ? w.compensationRate(rule.window) : w.autonomyRate(rule.window);
        boolean past = decided >= rule.minEvents && (rule.above ? rate > rule.threshold : rate < rule.threshold);
        String mode = rule.mode.name();
        decisions.evaluate(rule, w.tenant(), w.scope(), w.at(), past,
                () -> rule.significance.rejects(k, decided, rule.threshold, rule.above), s -> {
                    String window = RuleNode.format(rule.window);
                    Map<String, Object> evidence = new LinkedHashMap<>();
                    evidence.put(rule.ratio + "Rate", Round.ratio(rate));
                    evidence.put("decided", decided);
                    evidence.put("autonomous", t.get(AutonomyWindow.AUTONOMOUS));
                    evidence.put("compensated", t.get(AutonomyWindow.COMPENSATED));
                    evidence.put("window", window);
                    evidence.put("threshold", rule.threshold);
                    Significance.Test test = past ? rule.significance.test(k, decided, rule.threshold, rule.above) : null;
                    if (past) {
                        rule.significance.addEvidence(evidence, "", test, s);
                    }
                    String cmp = past ? (rule.above ? " > " : " < ") : (rule.above ? " <= " : " >= ");
                    String what = rule.mode == AutonomyMode.SIMULATE && rule.ratio.equals("compensated") ? "simulation delta" : rule.ratio + " rate";
                    String reason = decided < rule.minEvents
                            ? "fewer than " + rule.minEvents + " decided " + mode + " ops over " + window
                            : what + " " + Round.text(rate) + cmp + Round.text(rule.threshold) + " over " + window
                            + " (" + k + " / " + decided + " decided " + mode + " ops" + (past ? rule.significance.reasonTail(test) : "") + ")";
                    return new Finding(reason, evidence);
                });
    }

    /**
     * An approval to enact (a signed override naming a SIMULATE rule) passes only when the simulation
     * share is significantly on the good side of the threshold at its time.
     */
    @Override
    public Refusal refuseOverride(HumanOverride o, SignalLookup signals) {
        if (rule.mode != AutonomyMode.SIMULATE || !o.getTripwire().equals(rule.id())) {
            return null;
        }
        String why = simulationNotPassed(signals.autonomy(o.getTenant(), AutonomyMode.SIMULATE, o.getTs().toEpochMilli()));
        return why == null ? null : new Refusal(NOT_PASSED, why);
    }

    /** Why the simulation has not passed in {@code w}, or null when it has (the good side, significantly, on min-events ops). */
    String simulationNotPassed(AutonomyWindow w) {
        Tally t = w.window(rule.window);
        long decided = t.get(AutonomyWindow.DECIDED);
        long k = t.get(rule.ratio.equals("compensated") ? AutonomyWindow.COMPENSATED : AutonomyWindow.AUTONOMOUS);
        String window = RuleNode.format(rule.window);
        String what = rule.ratio.equals("compensated") ? "simulation delta" : "simulated " + rule.ratio + " rate";
        if (decided < rule.minEvents) {
            return "only " + decided + " decided SIMULATE ops over " + window + " (at least " + rule.minEvents + " needed)";
        }
        double rate = (double) k / decided;
        boolean goodSide = rule.above ? rate < rule.threshold : rate > rule.threshold;
        String figures = what + " " + Round.text(rate) + " (" + k + " / " + decided + " over " + window + ")";
        if (!goodSide) {
            return figures + " is not " + (rule.above ? "below " : "above ") + Round.text(rule.threshold);
        }
        if (!rule.significance.rejects(k, decided, rule.threshold, !rule.above)) {
            Significance.Test test = rule.significance.test(k, decided, rule.threshold, !rule.above);
            return figures + " is not yet significantly " + (rule.above ? "below " : "above ") + Round.text(rule.threshold)
                    + ": e = " + Significance.Test.eText(test.e()) + " < " + Significance.Test.eText(rule.significance.level())
                    + " at " + rule.significance.percent() + " confidence";
        }
        return null;
    }

    /** An honoured approval to enact: in force until BLOCK_ENACT or THROTTLE_AUTONOMY fires for the tenant. */
    @Override
    public void onOverride(HumanOverride o, Decisions decisions) {
        if (rule.mode == AutonomyMode.SIMULATE && o.getTripwire().equals(rule.id())) {
            decisions.approveEnact(o);
        }
    }
}
