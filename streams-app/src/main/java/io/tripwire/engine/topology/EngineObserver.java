package io.tripwire.engine.topology;

import io.tripwire.engine.tripwires.AutonomyWindow;
import io.tripwire.engine.tripwires.LatencyWindow;
import io.tripwire.engine.tripwires.RequestWindow;
import io.tripwire.schemas.HumanOverride;
import io.tripwire.schemas.MetricSample;
import io.tripwire.schemas.PolicyDecision;
import io.tripwire.schemas.TripwireAction;

/**
 * Sees what the tripwires see, as they see it: the windows they evaluate, the events they act on,
 * the actions they emit. Metrics hang here, so a gauge shows the same number a tripwire decided on.
 * Called on the stream thread: implementations must be quick and must not throw.
 */
public interface EngineObserver {

    EngineObserver NONE = new EngineObserver() {
    };

    /** Every input event the engine accepted (not dead-lettered): it counts in the signals. */
    default void accepted(org.apache.avro.specific.SpecificRecord event) {
    }

    /** Request counts of a tenant × service after each request event. */
    default void requestWindow(RequestWindow w) {
    }

    /** Latency percentiles of a tenant × op at each evaluated minute boundary (percentiles null when empty). */
    default void latency(LatencyWindow w) {
    }

    /** ENACT autonomy counts of a tenant after each ENACT event. */
    default void autonomy(AutonomyWindow w) {
    }

    /** A metric sample of a watched series ({@code series} as in action scopes). */
    default void metricSample(String series, MetricSample m) {
    }

    /** Every policy decision (ALLOW or DENY). */
    default void policyDecision(PolicyDecision p) {
    }

    /** Every human override. */
    default void override(HumanOverride o) {
    }

    /** Every action record emitted (RESOLVED included), right after it was forwarded to the sink. */
    /** Parts of an OTLP record that are not requests or read metrics (client spans, other metrics), by form. */
    default void skipped(String form, int n) {
    }

    default void action(TripwireAction a) {
    }
}
