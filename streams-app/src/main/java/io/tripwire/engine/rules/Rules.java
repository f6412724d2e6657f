package io.tripwire.engine.rules;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The rules the engine runs with: global settings plus one {@link TripwireRule} per tripwire.
 * Immutable; built by {@link RulesLoader}, never by the code that evaluates rules.
 *
 * @param grace          how late an event may be (behind its tenant's stream time) and still count
 * @param futureSkew     how far ahead of the wall clock an event's time may be and still count
 * @param minEvents      a ratio tripwire never fires on fewer events than this in its window
 * @param confidence     the ratio tripwires' e-value guard (SPEC 3 "Significance"), in (0, 1), or NaN for off;
 *                       a tripwire may set its own
 * @param priorStrength  that guard's prior strength c (default 1000); a tripwire may set its own
 * @param slo            availability SLO per service
 * @param defaultService service whose SLO applies to services not in {@code slo}
 * @param tripwires      the tripwires, in file order
 * @param approvers      the approver keys whose overrides the engine honours (SPEC 3, "Human approvals"); none: no override is
 */
public record Rules(Duration grace, Duration futureSkew, int minEvents, double confidence, double priorStrength, Map<String, Double> slo, String defaultService,
                    List<TripwireRule> tripwires, List<Approver> approvers) {

    public Rules {
        slo = Map.copyOf(slo);
        tripwires = List.copyOf(tripwires);
        approvers = List.copyOf(approvers);
    }

    /** SLO of a service: its own, or the default service's. */
    public double sloOf(String service) {
        Double s = slo.get(service);
        return s != null ? s : slo.get(defaultService);
    }

    /** The rule of a tripwire id, or null. */
    public TripwireRule rule(String id) {
        return tripwires.stream().filter(t -> t.id().equals(id)).findFirst().orElse(null);
    }
}
