package io.tripwire.engine.tripwires;

import io.tripwire.engine.rules.TripwireRule;

import java.time.Duration;
import java.util.List;

/**
 * One tripwire: a rule plus the code that decides, on each signal of type {@code S}, whether it
 * holds. Firing, holding and resolving go through {@link Decisions}, so a kind only states its
 * condition, its evidence and its reason.
 *
 * @param <S> the signal it is evaluated on (e.g. {@link RequestWindow}, {@link LatencyWindow})
 */
public interface Tripwire<S> {

    TripwireRule rule();

    /** The signal type this tripwire is evaluated on. */
    Class<S> input();

    /** Rolling windows the signal keeper must keep running sums for. */
    default List<Duration> windows() {
        return List.of();
    }

    /** Evaluates the tripwire on one signal. */
    void evaluate(S signal, Decisions decisions);

    /** Why an override that passed the checks of SPEC 3 "Human approvals" must still be refused: a reason code and why. */
    record Refusal(String reason, String why) {
    }

    /** The signals a tripwire may consult when it judges an override, as they stand at a time. */
    interface SignalLookup {
        /** The tenant's autonomy decisions of {@code mode} over the kept windows, in the whole minutes before the one of {@code ts}. */
        AutonomyWindow autonomy(String tenant, io.tripwire.schemas.AutonomyMode mode, long ts);
    }

    /**
     * Whether an override naming this tripwire, signed and otherwise valid, must be refused all the
     * same (e.g. an approval to enact while the simulation has not passed); null: no objection.
     */
    default Refusal refuseOverride(io.tripwire.schemas.HumanOverride override, SignalLookup signals) {
        return null;
    }

    /** A human override was honoured for the tenant (see {@code hitl-overrides}); each tripwire checks whether it names it. */
    default void onOverride(io.tripwire.schemas.HumanOverride override, Decisions decisions) {
        // most tripwires resolve on their own condition only
    }

    default String id() {
        return rule().id();
    }
}
