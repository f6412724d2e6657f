package io.tripwire.engine.tripwires;

import io.tripwire.engine.rules.RuleNode;
import io.tripwire.engine.signals.Tally;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ingest-errors}: for one service of each tenant, fires when the error ratio (bad/total)
 * over the window is above the threshold at every evaluation for held-for, on at least
 * min-events requests. Evaluated on every request event.
 */
public final class ErrorRatioTripwire extends RuleTripwire<ErrorRatioTripwire.Rule, RequestWindow> {

    /** The rule: service, threshold on error ratio, window, held-for. */
    public record Rule(String id, String service, double threshold, Duration window, Duration heldFor, int minEvents,
                       List<String> actions, Map<String, Map<String, String>> params) implements KindRule {

        static Rule parse(RuleNode n, int minEvents) {
            n.onlyKeys(KindRule.keys("service", "threshold", "window", "held-for", "min-events"));
            List<String> actions = KindRule.actions(n);
            return new Rule(n.name(), n.text("service"), n.fraction("threshold"), n.duration("window", true),
                    n.duration("held-for", Duration.ZERO), n.positiveInt("min-events", minEvents), actions, KindRule.params(n, actions));
        }

        @Override
        public Tripwire<?> tripwire() {
            return new ErrorRatioTripwire(this);
        }
    }

    public ErrorRatioTripwire(Rule rule) {
        super(rule, RequestWindow.class);
    }

    @Override
    public List<Duration> windows() {
        return List.of(rule.window);
    }

    @Override
    public void evaluate(RequestWindow w, Decisions decisions) {
        if (!w.service().equals(rule.service)) {
            return;
        }
        Tally t = w.window(rule.window);
        double ratio = w.errorRatio(rule.window);
        boolean breach = t.get(RequestWindow.TOTAL) >= rule.minEvents && ratio > rule.threshold;
        decisions.evaluate(rule, w.tenant(), w.service(), w.at(), rule.heldFor, breach, () -> {
            Map<String, Object> evidence = new LinkedHashMap<>();
            evidence.put("errorRatio", Round.ratio(ratio));
            evidence.put("bad", t.get(RequestWindow.BAD));
            evidence.put("total", t.get(RequestWindow.TOTAL));
            evidence.put("window", RuleNode.format(rule.window));
            evidence.put("heldFor", RuleNode.format(rule.heldFor));
            evidence.put("threshold", rule.threshold);
            return new Finding("error ratio " + Round.text(ratio) + (breach ? " > " : " <= ") + Round.text(rule.threshold)
                    + " over " + RuleNode.format(rule.window) + (breach ? " held for " + RuleNode.format(rule.heldFor) : "")
                    + " (bad " + t.get(RequestWindow.BAD) + " / total " + t.get(RequestWindow.TOTAL) + ", service " + rule.service + ")",
                    evidence);
        });
    }
}
