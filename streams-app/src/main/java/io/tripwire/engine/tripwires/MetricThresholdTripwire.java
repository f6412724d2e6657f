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
 * {@code replica-lag}, {@code cache-hit}, {@code cost-budget}: per tenant × metric series, fires when
 * the metric is past the threshold (above it, the default, or below it with {@code direction: below})
 * at every sample for held-for. Every sample is an evaluation: one on the good side (at or under the
 * threshold for {@code above}, at or over it for {@code below}) ends the run and resolves a firing key.
 */
public final class MetricThresholdTripwire extends RuleTripwire<MetricThresholdTripwire.Rule, MetricSample> {

    /**
     * The rule: which metric, its signal name, the side that breaches ({@code below}: under the threshold),
     * threshold, held-for, stale-after.
     */
    public record Rule(String id, String metric, String signal, boolean below, double threshold, Duration heldFor, Duration keepFiringFor,
                       Duration staleAfter, List<String> actions, Map<String, Map<String, String>> params) implements KindRule {

        static Rule parse(RuleNode n, RuleDefaults d) {
            n.onlyKeys(KindRule.keys("metric", "signal", "direction", "threshold", "held-for", "keep-firing-for", "stale-after"));
            List<String> actions = KindRule.actions(n);
            String metric = n.text("metric");
            boolean below = n.has("direction") && n.choice("direction", java.util.Set.of("above", "below")).equals("below");
            return new Rule(n.name(), metric, n.text("signal", metric), below, n.positive("threshold"),
                    n.duration("held-for", Duration.ZERO), n.duration("keep-firing-for", Duration.ZERO), n.duration("stale-after", Duration.ofMinutes(2)),
                    actions, KindRule.params(n, actions));
        }

        /** Whether {@code value} is past the threshold on the breaching side. */
        public boolean breaches(double value) {
            return below ? value < threshold : value > threshold;
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
        boolean breach = rule.breaches(m.getValue());
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
            evidence.put("direction", rule.below ? "below" : "above");
            String past = rule.below ? " < " : " > ";
            String back = rule.below ? " >= " : " <= ";
            String reason = breach
                    ? series + " = " + m.getValue() + past + Round.text(rule.threshold)
                    + (rule.heldFor.isZero() ? "" : " held for " + RuleNode.format(rule.heldFor))
                    : series + " = " + m.getValue() + back + Round.text(rule.threshold);
            return new Finding(reason, evidence);
        });
    }
}
