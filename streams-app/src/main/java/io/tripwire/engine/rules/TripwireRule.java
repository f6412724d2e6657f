package io.tripwire.engine.rules;

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
}
