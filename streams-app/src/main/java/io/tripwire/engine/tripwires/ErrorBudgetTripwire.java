package io.tripwire.engine.tripwires;

import io.tripwire.engine.rules.RuleDefaults;
import io.tripwire.engine.rules.RuleNode;
import io.tripwire.engine.signals.Tally;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code error-budget}: per tenant × service, fires when the error budget remaining over the
 * window (1 − (bad/total)/(1 − SLO)) falls under the threshold, on at least min-events requests,
 * and its e-value against "the true error rate is (1 − threshold)(1 − SLO)" reaches
 * 1/(1 − confidence) (SPEC 3, "Significance"). Resolves when the remaining budget is back at or over the threshold. Its
 * FREEZE_RAMP freezes the tenant's ramp until firedAt + freeze-for.
 */
public final class ErrorBudgetTripwire extends RuleTripwire<ErrorBudgetTripwire.Rule, RequestWindow> {

    /** The rule: threshold on budget remaining, window, min-events, guard, freeze length. */
    public record Rule(String id, double threshold, Duration window, int minEvents, Significance significance,
                       Duration keepFiringFor, Duration freezeFor,
                       List<String> actions, Map<String, Map<String, String>> params) implements KindRule {
        @Override
        public Duration stateWindow() {
            return window;
        }

        @Override
        public Duration holdsFor() {
            return freezeFor;
        }


        static Rule parse(RuleNode n, RuleDefaults d) {
            n.onlyKeys(KindRule.keys("threshold", "window", "min-events", "confidence", "prior-strength", "keep-firing-for", "freeze-for"));
            List<String> actions = KindRule.actions(n);
            return new Rule(n.name(), n.fraction("threshold"), n.duration("window", true),
                    n.positiveInt("min-events", d.minEvents()), Significance.parse(n, d),
                    n.duration("keep-firing-for", Duration.ZERO), n.duration("freeze-for", Duration.ofHours(24)),
                    actions, KindRule.params(n, actions));
        }

        @Override
        public Tripwire<?> tripwire() {
            return new ErrorBudgetTripwire(this);
        }
    }

    public ErrorBudgetTripwire(Rule rule) {
        super(rule, RequestWindow.class);
    }

    @Override
    public List<Duration> windows() {
        return List.of(rule.window);
    }

    @Override
    public void evaluate(RequestWindow w, Decisions decisions) {
        Tally t = w.window(rule.window);
        long bad = t.get(RequestWindow.BAD);
        long total = t.get(RequestWindow.TOTAL);
        double remaining = w.budgetRemaining(rule.window);
        boolean past = total >= rule.minEvents && remaining < rule.threshold;
        // remaining < threshold  <=>  bad/total > (1 - threshold)(1 - SLO)
        double rate = (1 - rule.threshold) * (1 - w.slo());
        decisions.evaluate(rule, w.tenant(), w.service(), w.at(), past,
                () -> rule.significance.rejects(bad, total, rate, true), s -> finding(w, bad, total, remaining, rate, past, s));
    }

    private Finding finding(RequestWindow w, long bad, long total, double remaining, double rate, boolean past, HoldState s) {
        String window = RuleNode.format(rule.window);
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("remaining", Round.ratio(remaining));
        evidence.put("bad", bad);
        evidence.put("total", total);
        evidence.put("window", window);
        evidence.put("slo", w.slo());
        evidence.put("threshold", rule.threshold);
        String counts = " over " + window + " (bad " + bad + " / total " + total;
        if (!past) {
            String why = total < rule.minEvents ? "fewer than " + rule.minEvents + " requests" : "error budget remaining "
                    + Round.text(remaining) + " >= " + Round.text(rule.threshold);
            return new Finding(why + counts + ")", evidence);
        }
        Significance.Test test = rule.significance.test(bad, total, rate, true);
        rule.significance.addEvidence(evidence, "", test, s);
        String until = Instant.ofEpochMilli(w.at()).plus(rule.freezeFor).toString();
        return new Finding("error budget remaining " + Round.text(remaining) + " < " + Round.text(rule.threshold) + counts
                + rule.significance.reasonTail(test) + ")",
                evidence, Map.of("FREEZE_RAMP", Map.of("until", until, "for", RuleNode.format(rule.freezeFor))));
    }
}
