package io.tripwire.cli;

import io.tripwire.engine.topology.TopicNames;
import io.tripwire.schemas.AutonomyDecision;
import io.tripwire.schemas.HumanOverride;
import io.tripwire.schemas.MetricSample;
import io.tripwire.schemas.PolicyDecision;
import io.tripwire.schemas.RequestLatency;
import io.tripwire.schemas.RolloutStep;
import org.apache.avro.specific.SpecificRecord;

/** Which input topic (SPEC section 1) carries an event, by its record type. */
final class InputTopics {

    private InputTopics() {
    }

    /** The topic of {@code event}, or null for a record that is no input event (actions, results). */
    static String of(SpecificRecord event, TopicNames names) {
        if (event instanceof RequestLatency) {
            return names.requests();
        } else if (event instanceof MetricSample) {
            return names.metrics();
        } else if (event instanceof AutonomyDecision) {
            return names.autonomy();
        } else if (event instanceof PolicyDecision) {
            return names.policy();
        } else if (event instanceof RolloutStep) {
            return names.rollout();
        } else if (event instanceof HumanOverride) {
            return names.overrides();
        }
        return null;
    }

    /** The default names with {@code prefix} in front of each. */
    static TopicNames prefixed(String prefix) {
        TopicNames d = TopicNames.DEFAULTS;
        return new TopicNames(prefix + d.requests(), prefix + d.metrics(), prefix + d.autonomy(), prefix + d.policy(),
                prefix + d.rollout(), prefix + d.overrides(), prefix + d.actions(), prefix + d.results(),
                prefix + d.deadLetter(), prefix + d.signals());
    }

    /** The tenant of an input event: its record key. */
    static String tenant(SpecificRecord event) {
        return String.valueOf(event.get(event.getSchema().getField("tenant").pos()));
    }
}
