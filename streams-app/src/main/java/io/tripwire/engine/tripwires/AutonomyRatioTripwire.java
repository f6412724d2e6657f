package io.tripwire.engine.tripwires;

import io.tripwire.engine.rules.RuleDefaults;
import io.tripwire.engine.rules.RuleNode;
import io.tripwire.engine.rules.RulesException;
import io.tripwire.engine.signals.Tally;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code autonomy-compensation} / {@code autonomy-rate}: per tenant in ENACT mode, fires when the
 * compensated (or autonomous) share of decided ops over the window is above (or below) the
 * threshold, on at least min-events decided ops, and the e-value on that side against "the true
 * share is the threshold" reaches 1/(1 − confidence) (the shipped rules use prior strength 100: a
 * day holds hundreds of ops, not tens of thousands of requests). Resolves when the share is no longer past the threshold. SIMULATE
 * events never count.
 */
public final class AutonomyRatioTripwire extends RuleTripwire<AutonomyRatioTripwire.Rule, AutonomyWindow> {

    /** The rule: which ratio, above or below which threshold, over which window, and the guard. */
    public record Rule(String id, String ratio, boolean above, double threshold, Duration window, int minEvents,
                       Significance significance, Duration keepFiringFor,
                       List<String> actions, Map<String, Map<String, String>> params) implements KindRule {

        static Rule parse(RuleNode n, RuleDefaults d) {
            n.onlyKeys(KindRule.keys("ratio", "above", "below", "window", "min-events", "confidence", "prior-strength", "keep-firing-for"));
            if (n.has("above") == n.has("below")) {
                throw new RulesException(n.path() + ": give exactly one of 'above' or 'below'");
            }
            boolean above = n.has("above");
            List<String> actions = KindRule.actions(n);
            return new Rule(n.name(), n.choice("ratio", Set.of("compensated", "autonomous")), above,
                    n.fraction(above ? "above" : "below"), n.duration("window", true), n.positiveInt("min-events", d.minEvents()),
                    Significance.parse(n, d), n.duration("keep-firing-for", Duration.ZERO), actions, KindRule.params(n, actions));
        }

        @Override
        public Tripwire<?> tripwire() {
            return new AutonomyRatioTripwire(this);
        }
    }

    public AutonomyRatioTripwire(Rule rule) {
        super(rule, AutonomyWindow.class);
    }

    @Override
    public List<Duration> windows() {
        return List.of(rule.window);
    }

    @Override
    public void evaluate(AutonomyWindow w, Decisions decisions) {
        Tally t = w.window(rule.window);
        long decided = t.get(AutonomyWindow.DECIDED);
        long k = t.get(rule.ratio.equals("compensated") ? AutonomyWindow.COMPENSATED : AutonomyWindow.AUTONOMOUS);
        double rate = rule.ratio.equals("compensated") ? w.compensationRate(rule.window) : w.autonomyRate(rule.window);
        boolean past = decided >= rule.minEvents && (rule.above ? rate > rule.threshold : rate < rule.threshold);
        decisions.evaluate(rule, w.tenant(), AutonomyWindow.SCOPE, w.at(), past,
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
                    String reason = decided < rule.minEvents
                            ? "fewer than " + rule.minEvents + " decided ENACT ops over " + window
                            : rule.ratio + " rate " + Round.text(rate) + cmp + Round.text(rule.threshold) + " over " + window
                            + " (" + k + " / " + decided + " decided ENACT ops" + (past ? rule.significance.reasonTail(test) : "") + ")";
                    return new Finding(reason, evidence);
                });
    }
}
