package io.tripwire.engine.tripwires;

import io.tripwire.engine.rules.RuleDefaults;
import io.tripwire.engine.rules.RuleNode;
import io.tripwire.engine.signals.Tally;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ingest-errors}: for one service of each tenant, fires when the error ratio (bad/total)
 * over the window is above the threshold, on at least min-events requests, and its e-value reaches
 * 1/(1 − confidence), at every evaluation for held-for. Resolves when the ratio is back at or under the
 * threshold. Evaluated on every request event.
 */
public final class ErrorRatioTripwire extends RuleTripwire<ErrorRatioTripwire.Rule, RequestWindow> {

    /** The rule: service, threshold on error ratio, window, held-for, guard. */
    public record Rule(String id, String service, double threshold, Duration window, Duration heldFor, int minEvents,
                       Significance significance, Duration keepFiringFor,
                       List<String> actions, Map<String, Map<String, String>> params) implements KindRule {
        @Override
        public Duration stateWindow() {
            return window;
        }


        static Rule parse(RuleNode n, RuleDefaults d) {
            n.onlyKeys(KindRule.keys("service", "threshold", "window", "held-for", "min-events", "confidence", "prior-strength", "keep-firing-for"));
            List<String> actions = KindRule.actions(n);
            return new Rule(n.name(), n.text("service"), n.fraction("threshold"), n.duration("window", true),
                    n.duration("held-for", Duration.ZERO), n.positiveInt("min-events", d.minEvents()), Significance.parse(n, d),
                    n.duration("keep-firing-for", Duration.ZERO), actions, KindRule.params(n, actions));
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
        long bad = t.get(RequestWindow.BAD);
        long total = t.get(RequestWindow.TOTAL);
        double ratio = w.errorRatio(rule.window);
        boolean past = total >= rule.minEvents && ratio > rule.threshold;
        decisions.evaluate(rule, w.tenant(), w.service(), w.at(), past,
                () -> rule.significance.rejects(bad, total, rule.threshold, true), s -> {
                    Map<String, Object> evidence = new LinkedHashMap<>();
                    evidence.put("errorRatio", Round.ratio(ratio));
                    evidence.put("bad", bad);
                    evidence.put("total", total);
                    evidence.put("window", RuleNode.format(rule.window));
                    evidence.put("heldFor", RuleNode.format(rule.heldFor));
                    evidence.put("threshold", rule.threshold);
                    Significance.Test test = past ? rule.significance.test(bad, total, rule.threshold, true) : null;
                    if (past) {
                        rule.significance.addEvidence(evidence, "", test, s);
                    }
                    return new Finding("error ratio " + Round.text(ratio) + (past ? " > " : " <= ") + Round.text(rule.threshold)
                            + " over " + RuleNode.format(rule.window) + (past ? " held for " + RuleNode.format(rule.heldFor) : "")
                            + " (bad " + bad + " / total " + total + ", service " + rule.service
                            + (past ? rule.significance.reasonTail(test) : "") + ")", evidence);
                });
    }
}
