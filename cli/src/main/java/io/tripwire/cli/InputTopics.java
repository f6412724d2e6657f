package io.tripwire.cli;

import org.apache.avro.specific.SpecificRecord;

/** The tenant of an input event (its record key); topics by record type: {@link io.tripwire.engine.topology.TopicNames#topicOf}. */
final class InputTopics {

    private InputTopics() {
    }

    /** The tenant of an input event: its record key. */
    static String tenant(SpecificRecord event) {
        return String.valueOf(event.get(event.getSchema().getField("tenant").pos()));
    }
}
