package io.tripwire.engine.tripwires;

import io.tripwire.engine.rules.RuleDefaults;
import io.tripwire.engine.rules.RuleNode;
import io.tripwire.engine.signals.Series;
import io.tripwire.schemas.MetricSample;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code replica-lag}: per tenant × metric series, fires when the metric is above the threshold at
 * every sample for held-for. Every sample is an evaluation: one at or under the threshold ends the
 * run (and resolves a firing key).
 */
public final class MetricThresholdTripwire extends RuleTripwire<MetricThresholdTripwire.Rule, MetricSample> {

    /** The rule: which metric, its signal name, threshold, held-for, stale-after. */
    public record Rule(String id, String metric, String signal, double threshold, Duration heldFor, Duration keepFiringFor, Duration staleAfter,
                       List<String> actions, Map<String, Map<String, String>> params) implements KindRule {

        static Rule parse(RuleNode n, RuleDefaults d) {
            n.onlyKeys(KindRule.keys("metric", "signal", "threshold", "held-for", "keep-firing-for", "stale-after"));
            List<String> actions = KindRule.actions(n);
            String metric = n.text("metric");
            return new Rule(n.name(), metric, n.text("signal", metric), n.positive("threshold"),
                    n.duration("held-for", Duration.ZERO), n.duration("keep-firing-for", Duration.ZERO), n.duration("stale-after", Duration.ofMinutes(2)),
                    actions, KindRule.params(n, actions));
        }

        @Override
        public Tripwire<?> tripwire() {
            return new MetricThresholdTripwire(this);
        }
    }

    public MetricThresholdTripwire(Rule rule) {
        super(rule, MetricSample.class);
    }

    @Override
    public void evaluate(MetricSample m, Decisions decisions) {
        if (!m.getName().equals(rule.metric)) {
            return;
        }
        String series = Series.of(m.getName(), m.getLabels());
        long at = m.getTs().toEpochMilli();
        boolean breach = m.getValue() > rule.threshold;
        decisions.evaluate(rule, m.getTenant(), series, at, breach, () -> {
            HoldState s = decisions.state(rule.id(), m.getTenant(), series);
            Map<String, Object> evidence = new LinkedHashMap<>();
            evidence.put("value", m.getValue());
            evidence.put("threshold", rule.threshold);
            evidence.put("series", series);
            evidence.put("heldFor", RuleNode.format(rule.heldFor));
            if (s.since() >= 0) {
                evidence.put("breachSince", Instant.ofEpochMilli(s.since()).toString());
            }
            String reason = breach
                    ? series + " = " + m.getValue() + " > " + Round.text(rule.threshold) + " held for " + RuleNode.format(rule.heldFor)
                    : series + " = " + m.getValue() + " <= " + Round.text(rule.threshold);
            return new Finding(reason, evidence);
        });
    }
}
