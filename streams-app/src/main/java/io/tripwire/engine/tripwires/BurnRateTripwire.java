package io.tripwire.engine.tripwires;

import io.tripwire.engine.rules.RuleNode;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * {@code burn-rate-fast} / {@code burn-rate-slow}: per tenant × service, fires when the burn rate
 * ((bad/total)/(1 − SLO)) is above the threshold over every one of its windows (the multiwindow
 * alert of the SRE workbook), each window holding at least min-events requests.
 */
public final class BurnRateTripwire extends RuleTripwire<BurnRateTripwire.Rule, RequestWindow> {

    /** The rule: threshold on burn rate and the windows that must all exceed it. */
    public record Rule(String id, double threshold, List<Duration> windows, int minEvents,
                       List<String> actions, Map<String, Map<String, String>> params) implements KindRule {

        static Rule parse(RuleNode n, int minEvents) {
            n.onlyKeys(KindRule.keys("threshold", "windows", "min-events"));
            List<String> actions = KindRule.actions(n);
            return new Rule(n.name(), n.positive("threshold"), n.durations("windows"),
                    n.positiveInt("min-events", minEvents), actions, KindRule.params(n, actions));
        }

        @Override
        public Tripwire<?> tripwire() {
            return new BurnRateTripwire(this);
        }
    }

    public BurnRateTripwire(Rule rule) {
        super(rule, RequestWindow.class);
    }

    @Override
    public List<Duration> windows() {
        return rule.windows;
    }

    @Override
    public void evaluate(RequestWindow w, Decisions decisions) {
        boolean breach = true;
        for (Duration d : rule.windows) {
            breach &= w.window(d).get(RequestWindow.TOTAL) >= rule.minEvents && w.burnRate(d) > rule.threshold;
        }
        boolean b = breach;
        decisions.evaluate(rule, w.tenant(), w.service(), w.at(), Duration.ZERO, breach, () -> finding(w, b));
    }

    private Finding finding(RequestWindow w, boolean breach) {
        Map<String, Object> evidence = new LinkedHashMap<>();
        StringJoiner rates = new StringJoiner(" and ");
        for (Duration d : rule.windows) {
            String name = RuleNode.format(d);
            evidence.put("burnRate_" + name, Round.ratio(w.burnRate(d)));
            evidence.put("bad_" + name, w.window(d).get(RequestWindow.BAD));
            evidence.put("total_" + name, w.window(d).get(RequestWindow.TOTAL));
            rates.add(Round.text(w.burnRate(d)) + " over " + name);
        }
        evidence.put("slo", w.slo());
        evidence.put("threshold", rule.threshold);
        String reason = "burn rate " + rates + (breach ? " > " : ", not all > ") + Round.text(rule.threshold)
                + " (SLO " + w.slo() + ", service " + w.service() + ")";
        return new Finding(reason, evidence);
    }
}
