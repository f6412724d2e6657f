package io.tripwire.engine.report;

import io.tripwire.engine.rules.RuleNode;
import io.tripwire.engine.rules.Rules;
import io.tripwire.engine.rules.TripwireRule;
import io.tripwire.engine.tripwires.AutonomyRatioTripwire;
import io.tripwire.engine.tripwires.BurnRateTripwire;
import io.tripwire.engine.tripwires.CanaryBucket;
import io.tripwire.engine.tripwires.CanaryTripwire;
import io.tripwire.engine.tripwires.ErrorBudgetTripwire;
import io.tripwire.engine.tripwires.LatencyTripwire;
import io.tripwire.engine.tripwires.MetricThresholdTripwire;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Which tripwire watches which signal chart, and at what threshold. A tripwire kind with no signal
 * of its own (policy denies, ramp freeze, the ingest error ratio, the canary split) binds to no
 * chart; its actions go on the tenant's events strip. A canary tripwire's threshold is the
 * e-value its rule fires and passes at, 1/(1 − confidence).
 */
final class ThresholdLines {

    /** A dashed line on a chart: the tripwire whose threshold it is, the value and its label. */
    record Threshold(String tripwire, double value, String label) {
    }

    /** A tripwire's chart: its signal, the scopes it watches of that signal, and its threshold. */
    private record Binding(String signal, Predicate<String> scope, Threshold threshold) {
        boolean matches(String s, String sc) {
            return signal.equals(s) && scope.test(sc);
        }
    }

    private final Map<String, Binding> byTripwire = new LinkedHashMap<>();

    ThresholdLines(Rules rules) {
        for (TripwireRule r : rules.tripwires()) {
            Binding b = binding(r);
            if (b != null) {
                byTripwire.put(r.id(), b);
            }
        }
    }

    /** The threshold lines of one chart, in rules-file order. */
    List<Threshold> of(String signal, String scope) {
        List<Threshold> out = new ArrayList<>();
        for (Binding b : byTripwire.values()) {
            if (b.matches(signal, scope)) {
                out.add(b.threshold);
            }
        }
        return out;
    }

    /** Whether actions of {@code tripwire} belong on the chart of {@code signal} × {@code scope}. */
    boolean relates(String tripwire, String signal, String scope) {
        Binding b = byTripwire.get(tripwire);
        return b != null && b.matches(signal, scope);
    }

    private static Binding binding(TripwireRule r) {
        if (r instanceof LatencyTripwire.Rule l) {
            return bind("latency_p" + l.percentile() + "_ms", l.op(), l, l.thresholdMs(), " ms");
        }
        if (r instanceof ErrorBudgetTripwire.Rule e) {
            return bind("error_budget_remaining", null, e, e.threshold(), "");
        }
        if (r instanceof BurnRateTripwire.Rule b) {
            // the chart is the 1h burn rate; the label says which windows the tripwire really uses
            String windows = b.windows().stream().map(RuleNode::format).collect(Collectors.joining(" & "));
            return bind("burn_rate_1h", null, b, b.threshold(), "× (" + windows + ")");
        }
        if (r instanceof MetricThresholdTripwire.Rule m) {
            return bind(m.signal(), null, m, m.threshold(), m.signal().endsWith("_seconds") ? " s" : "");
        }
        if (r instanceof AutonomyRatioTripwire.Rule a) {
            return bind(a.signal(), a.mode().name(), a, a.threshold(), "");
        }
        if (r instanceof CanaryTripwire.Rule c) {
            // both comparisons write canary_e_worse: an op's series is canary-latency's, a service's canary-errors'
            boolean latency = c.compare() == CanaryBucket.Kind.LATENCY;
            return new Binding(SignalNames.CANARY_E_WORSE, sc -> SignalNames.latencyKey(sc) == latency,
                    new Threshold(r.id(), c.level(), r.id() + " e ≥ " + Ticks.number(c.level())));
        }
        return null;
    }

    private static Binding bind(String signal, String scope, TripwireRule r, double threshold, String unit) {
        return new Binding(signal, scope == null ? sc -> true : scope::equals,
                new Threshold(r.id(), threshold, r.id() + " " + Ticks.number(threshold) + unit));
    }
}
