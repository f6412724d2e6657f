package io.tripwire.engine.rules;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** What every tripwire rule has; each kind adds its own fields in its own record. */
public interface TripwireRule {

    /** Tripwire id, e.g. {@code read-latency}. */
    String id();

    /** Actions emitted when it fires, in order. */
    List<String> actions();

    /** Fixed parameters per action, e.g. {@code ALERT -> {severity: page}}. */
    Map<String, Map<String, String>> params();

    /** How long a windowed condition must hold before it fires (Prometheus' {@code for}); zero for most. */
    default Duration heldFor() {
        return Duration.ZERO;
    }

    /** How long a firing key's resolve condition must hold before it resolves (Prometheus' {@code keep_firing_for}). */
    default Duration keepFiringFor() {
        return Duration.ZERO;
    }

    /**
     * The longest window the condition is computed over: how far back the rule's state at an instant depends on events,
     * before held-for and keep-firing-for (what {@code gate} and {@code evidence} replay before their window). Zero for
     * rules of single events or samples (policy denies, metric thresholds, ramp freezes).
     */
    default Duration stateWindow() {
        return Duration.ZERO;
    }

    /** How long a firing keeps a hold in force after it fires with no event of its own (error-budget's ramp freeze); zero for most. */
    default Duration holdsFor() {
        return Duration.ZERO;
    }

    /** How far back the rule's state at an instant depends on events: its window, held-for, keep-firing-for and hold. */
    default Duration reach() {
        return stateWindow().plus(heldFor()).plus(keepFiringFor()).plus(holdsFor());
    }

    /**
     * Whether this action, fired by the rule, opens something that only a RESOLVED ends (a firing key, a hold): what
     * {@code gate} and {@code evidence} read back to when it is still open at their window's start. By default any of
     * the rule's own actions (a firing).
     */
    default boolean opensHold(String action) {
        return actions().contains(action);
    }

    /**
     * Where a replay must begin for the firing {@code opened} to open again, as it did: by default its time less the
     * rule's {@link #reach()} (so the same events fire it again before the window rather than anew inside it).
     */
    default java.time.Instant reopenFrom(io.tripwire.schemas.TripwireAction opened) {
        return opened.getFiredAt().minus(reach());
    }
}
