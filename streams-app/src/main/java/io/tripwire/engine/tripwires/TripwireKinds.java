package io.tripwire.engine.tripwires;

import io.tripwire.engine.rules.RuleDefaults;
import io.tripwire.engine.rules.RuleNode;
import io.tripwire.engine.rules.RulesException;
import io.tripwire.engine.rules.TripwireRule;

import java.util.Map;
import java.util.TreeSet;
import java.util.function.BiFunction;

/**
 * The tripwire kinds a rules file may name. Adding a kind: one class with its {@code Rule}
 * record, one line here, and its rows in {@code config/tripwires.yaml}.
 */
public final class TripwireKinds {

    private static final Map<String, BiFunction<RuleNode, RuleDefaults, KindRule>> KINDS = Map.ofEntries(
            Map.entry("error-budget", ErrorBudgetTripwire.Rule::parse),
            Map.entry("burn-rate", BurnRateTripwire.Rule::parse),
            Map.entry("error-ratio", ErrorRatioTripwire.Rule::parse),
            Map.entry("latency", LatencyTripwire.Rule::parse),
            Map.entry("metric-threshold", MetricThresholdTripwire.Rule::parse),
            Map.entry("policy-deny", PolicyDenyTripwire.Rule::parse),
            Map.entry("autonomy-ratio", AutonomyRatioTripwire.Rule::parse),
            Map.entry("unapproved-enact", UnapprovedEnactTripwire.Rule::parse),
            Map.entry("ramp-freeze", RampFreezeTripwire.Rule::parse),
            Map.entry("canary", CanaryTripwire.Rule::parse),
            Map.entry("canary-split", CanarySplitTripwire.Rule::parse));

    private TripwireKinds() {
    }

    /** Parses one tripwire mapping, choosing the kind by its {@code kind} key. */
    public static TripwireRule parse(RuleNode node, RuleDefaults defaults) {
        String kind = node.choice("kind", new TreeSet<>(KINDS.keySet()));
        return KINDS.get(kind).apply(node, defaults);
    }

    /** The tripwire that evaluates a parsed rule. */
    public static Tripwire<?> create(TripwireRule rule) {
        if (rule instanceof KindRule k) {
            return k.tripwire();
        }
        throw new RulesException(rule.id() + ": no tripwire kind evaluates " + rule.getClass().getSimpleName());
    }
}
