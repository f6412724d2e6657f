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

    private static final Map<String, BiFunction<RuleNode, RuleDefaults, KindRule>> KINDS = Map.of(
            "error-budget", ErrorBudgetTripwire.Rule::parse,
            "burn-rate", BurnRateTripwire.Rule::parse,
            "error-ratio", ErrorRatioTripwire.Rule::parse,
            "latency", LatencyTripwire.Rule::parse,
            "metric-threshold", MetricThresholdTripwire.Rule::parse,
            "policy-deny", PolicyDenyTripwire.Rule::parse,
            "autonomy-ratio", AutonomyRatioTripwire.Rule::parse,
            "ramp-freeze", RampFreezeTripwire.Rule::parse);

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
