package io.tripwire.engine.tripwires;

import io.tripwire.engine.rules.RuleDefaults;
import io.tripwire.engine.rules.RuleNode;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code read-latency} / {@code write-latency}: per tenant and op, fires when the percentile
 * over the window ending at a minute boundary is above the threshold at every boundary for
 * held-for. A window with no request is an evaluation that does not breach.
 */
public final class LatencyTripwire extends RuleTripwire<LatencyTripwire.Rule, LatencyWindow> {

    /** The rule: op, percentile (95 or 99), threshold in ms, window, held-for. */
    public record Rule(String id, String op, int percentile, double thresholdMs, Duration window, Duration heldFor,
                       Duration keepFiringFor, List<String> actions, Map<String, Map<String, String>> params) implements KindRule {
        @Override
        public Duration stateWindow() {
            return window;
        }


        static Rule parse(RuleNode n, RuleDefaults d) {
            n.onlyKeys(KindRule.keys("op", "percentile", "threshold", "window", "held-for", "keep-firing-for"));
            List<String> actions = KindRule.actions(n);
            int pct = Integer.parseInt(n.choice("percentile", Set.of("95", "99")));
            return new Rule(n.name(), n.choice("op", Set.of("READ", "WRITE")), pct, n.positive("threshold"),
                    n.duration("window", true), n.duration("held-for", Duration.ZERO), n.duration("keep-firing-for", Duration.ZERO), actions, KindRule.params(n, actions));
        }

        @Override
        public Tripwire<?> tripwire() {
            return new LatencyTripwire(this);
        }
    }

    public LatencyTripwire(Rule rule) {
        super(rule, LatencyWindow.class);
    }

    @Override
    public void evaluate(LatencyWindow w, Decisions decisions) {
        if (!w.op().equals(rule.op)) {
            return;
        }
        double value = w.percentiles() == null ? Double.NaN : w.percentiles().at(rule.percentile);
        boolean breach = w.percentiles() != null && value > rule.thresholdMs;
        decisions.evaluate(rule, w.tenant(), w.op(), w.boundary(), breach, () -> {
            String p = "p" + rule.percentile;
            String window = RuleNode.format(rule.window);
            Map<String, Object> evidence = new LinkedHashMap<>();
            evidence.put(p + "Ms", w.percentiles() == null ? null : value);
            evidence.put("p95Ms", w.percentiles() == null ? null : w.percentiles().p95ms());
            evidence.put("p99Ms", w.percentiles() == null ? null : w.percentiles().p99ms());
            evidence.put("count", w.percentiles() == null ? 0L : w.percentiles().count());
            evidence.put("window", window);
            evidence.put("windowEnd", Instant.ofEpochMilli(w.boundary()).toString());
            evidence.put("heldFor", RuleNode.format(rule.heldFor));
            evidence.put("thresholdMs", rule.thresholdMs);
            String reason = w.percentiles() == null
                    ? "no " + rule.op + " requests in the " + window + " window ending " + Instant.ofEpochMilli(w.boundary())
                    : p + " " + rule.op + " latency " + Round.text(value) + " ms" + (breach ? " > " : " <= ") + Round.text(rule.thresholdMs)
                    + " ms over " + window + (breach ? " held for " + RuleNode.format(rule.heldFor) : "")
                    + " (" + w.percentiles().count() + " requests)";
            return new Finding(reason, evidence);
        });
    }
}
