package io.tripwire.cli.demo;

import io.tripwire.engine.replay.ReplayOutput;
import io.tripwire.schemas.ActionResult;
import io.tripwire.schemas.TripwireAction;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The lines printed after the run: counts by tripwire and action, executor results by status, dead letters by reason. */
final class DemoSummary {

    private DemoSummary() {
    }

    static List<String> lines(ReplayOutput live, List<ActionResult> results, List<TripwireAction> withoutResult) {
        List<String> out = new java.util.ArrayList<>();
        out.add(String.format("  %-22s %,d", "actions", live.actions().size()));
        Map<String, Map<String, Long>> byTripwire = new TreeMap<>();
        for (TripwireAction a : live.actions()) {
            byTripwire.computeIfAbsent(a.getTripwire(), k -> new LinkedHashMap<>()).merge(a.getAction().name(), 1L, Long::sum);
        }
        byTripwire.forEach((tripwire, actions) -> out.add(String.format("    %-20s %s", tripwire, counts(actions))));
        out.add(String.format("  %-22s %s", "executor results", results.isEmpty() ? "none"
                : counts(countBy(results, r -> r.getStatus().name()))));
        if (!withoutResult.isEmpty()) {
            out.add(String.format("  %-22s %,d (see actions.jsonl)", "actions without result", withoutResult.size()));
        }
        out.add(String.format("  %-22s %s", "dead letters", live.deadLetters().isEmpty() ? "0"
                : counts(countBy(live.deadLetters(), d -> Objects.requireNonNullElse(d.reason(), "unknown")))));
        out.add(String.format("  %-22s %,d", "signal values", live.signals().size()));
        return out;
    }

    private static <T> Map<String, Long> countBy(List<T> items, Function<T, String> key) {
        return items.stream().collect(Collectors.groupingBy(key, TreeMap::new, Collectors.counting()));
    }

    private static String counts(Map<String, Long> counts) {
        return counts.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    }
}
