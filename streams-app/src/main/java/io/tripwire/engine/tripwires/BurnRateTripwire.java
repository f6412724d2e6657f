package io.tripwire.engine.tripwires;

import io.tripwire.engine.rules.RuleDefaults;
import io.tripwire.engine.rules.RuleNode;
import io.tripwire.engine.signals.Tally;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * {@code burn-rate-fast} / {@code burn-rate-slow}: per tenant × service, fires when the burn rate
 * ((bad/total)/(1 − SLO)) is above the threshold over every one of its windows (the multiwindow
 * alert of the SRE workbook), each window holding at least min-events requests and its e-value
 * against the error rate threshold × (1 − SLO) reaching 1/(1 − confidence). Resolves when any one window's burn
 * rate is back at or under the threshold.
 */
public final class BurnRateTripwire extends RuleTripwire<BurnRateTripwire.Rule, RequestWindow> {

    /** The rule: threshold on burn rate, the windows that must all exceed it, and the guard. */
    public record Rule(String id, double threshold, List<Duration> windows, int minEvents, Significance significance,
                       Duration keepFiringFor, List<String> actions, Map<String, Map<String, String>> params) implements KindRule {
        @Override
        public Duration stateWindow() {
            return windows.stream().max(java.util.Comparator.naturalOrder()).orElse(Duration.ZERO);
        }


        static Rule parse(RuleNode n, RuleDefaults d) {
            n.onlyKeys(KindRule.keys("threshold", "windows", "min-events", "confidence", "prior-strength", "keep-firing-for"));
            List<String> actions = KindRule.actions(n);
            return new Rule(n.name(), n.positive("threshold"), n.durations("windows"),
                    n.positiveInt("min-events", d.minEvents()), Significance.parse(n, d),
                    n.duration("keep-firing-for", Duration.ZERO), actions, KindRule.params(n, actions));
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
        boolean past = true;
        for (Duration d : rule.windows) {
            past &= w.window(d).get(RequestWindow.TOTAL) >= rule.minEvents && w.burnRate(d) > rule.threshold;
        }
        boolean p = past;
        decisions.evaluate(rule, w.tenant(), w.service(), w.at(), past, () -> significant(w), s -> finding(w, p, s));
    }

    /** Every window passes the test. */
    private boolean significant(RequestWindow w) {
        double rate = rule.threshold * (1 - w.slo());
        for (Duration d : rule.windows) {
            Tally t = w.window(d);
            if (!rule.significance.rejects(t.get(RequestWindow.BAD), t.get(RequestWindow.TOTAL), rate, true)) {
                return false;
            }
        }
        return true;
    }

    private Finding finding(RequestWindow w, boolean past, HoldState s) {
        Map<String, Object> evidence = new LinkedHashMap<>();
        StringJoiner rates = new StringJoiner(" and ");
        StringJoiner tests = new StringJoiner("; ");
        boolean guarded = past && rule.significance.on();
        double rate = rule.threshold * (1 - w.slo());
        for (Duration d : rule.windows) {
            String name = RuleNode.format(d);
            Tally t = w.window(d);
            evidence.put("burnRate_" + name, Round.ratio(w.burnRate(d)));
            evidence.put("bad_" + name, t.get(RequestWindow.BAD));
            evidence.put("total_" + name, t.get(RequestWindow.TOTAL));
            rates.add(Round.text(w.burnRate(d)) + " over " + name);
            if (guarded) {
                Significance.Test test = rule.significance.test(t.get(RequestWindow.BAD), t.get(RequestWindow.TOTAL), rate, true);
                rule.significance.addEvidence(evidence, "_" + name, test, s);
                tests.add(name + ": bad " + t.get(RequestWindow.BAD) + " / total " + t.get(RequestWindow.TOTAL) + ", " + test.text());
            }
        }
        evidence.put("slo", w.slo());
        evidence.put("threshold", rule.threshold);
        String reason = "burn rate " + rates + (past ? " > " : ", not all > ") + Round.text(rule.threshold)
                + " (SLO " + w.slo() + ", service " + w.service()
                + (guarded ? "; " + tests + "; at " + rule.significance.percent() + " confidence" : "") + ")";
        return new Finding(reason, evidence);
    }
}
