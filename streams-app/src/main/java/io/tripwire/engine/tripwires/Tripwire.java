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

    /** A human override arrived for this tripwire's id and the tenant (see {@code hitl-overrides}). */
    default void onOverride(io.tripwire.schemas.HumanOverride override, Decisions decisions) {
        // most tripwires resolve on their own condition only
    }

    default String id() {
        return rule().id();
    }
}
