package io.tripwire.engine.tripwires;

import io.tripwire.engine.rules.RuleNode;
import io.tripwire.engine.rules.RulesException;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code autonomy-compensation} / {@code autonomy-rate}: per tenant in ENACT mode, fires when the
 * compensated (or autonomous) share of decided ops over the window is above (or below) the
 * threshold, on at least min-events decided ops. SIMULATE events never count.
 */
public final class AutonomyRatioTripwire extends RuleTripwire<AutonomyRatioTripwire.Rule, AutonomyWindow> {

    /** The rule: which ratio, above or below which threshold, over which window. */
    public record Rule(String id, String ratio, boolean above, double threshold, Duration window, int minEvents,
                       List<String> actions, Map<String, Map<String, String>> params) implements KindRule {

        static Rule parse(RuleNode n, int minEvents) {
            n.onlyKeys(KindRule.keys("ratio", "above", "below", "window", "min-events"));
            if (n.has("above") == n.has("below")) {
                throw new RulesException(n.path() + ": give exactly one of 'above' or 'below'");
            }
            boolean above = n.has("above");
            List<String> actions = KindRule.actions(n);
            return new Rule(n.name(), n.choice("ratio", Set.of("compensated", "autonomous")), above,
                    n.fraction(above ? "above" : "below"), n.duration("window", true), n.positiveInt("min-events", minEvents),
                    actions, KindRule.params(n, actions));
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
        long decided = w.window(rule.window).get(AutonomyWindow.DECIDED);
        double rate = rule.ratio.equals("compensated") ? w.compensationRate(rule.window) : w.autonomyRate(rule.window);
        boolean breach = decided >= rule.minEvents && (rule.above ? rate > rule.threshold : rate < rule.threshold);
        decisions.evaluate(rule, w.tenant(), AutonomyWindow.SCOPE, w.at(), Duration.ZERO, breach, () -> {
            String window = RuleNode.format(rule.window);
            Map<String, Object> evidence = new LinkedHashMap<>();
            evidence.put(rule.ratio + "Rate", Round.ratio(rate));
            evidence.put("decided", decided);
            evidence.put("autonomous", w.window(rule.window).get(AutonomyWindow.AUTONOMOUS));
            evidence.put("compensated", w.window(rule.window).get(AutonomyWindow.COMPENSATED));
            evidence.put("window", window);
            evidence.put("threshold", rule.threshold);
            String cmp = breach ? (rule.above ? " > " : " < ") : (rule.above ? " <= " : " >= ");
            String reason = decided < rule.minEvents
                    ? "fewer than " + rule.minEvents + " decided ENACT ops over " + window
                    : rule.ratio + " rate " + Round.text(rate) + cmp + Round.text(rule.threshold) + " over " + window
                    + " (" + w.window(rule.window).get(rule.ratio.equals("compensated") ? AutonomyWindow.COMPENSATED : AutonomyWindow.AUTONOMOUS)
                    + " / " + decided + " decided ENACT ops)";
            return new Finding(reason, evidence);
        });
    }
}
