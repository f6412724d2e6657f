package io.tripwire.cli;

import org.apache.avro.specific.SpecificRecord;

import java.time.Duration;
import java.time.Instant;

/**
 * The record key and timestamp of an input event; topics by record type:
 * {@link io.tripwire.engine.topology.TopicNames#topicOf}.
 */
final class InputTopics {

    private static final Duration BROKER_FUTURE_LIMIT = Duration.ofHours(1);

    private InputTopics() {
    }

    /** The tenant of an input event: its record key. */
    static String tenant(SpecificRecord event) {
        return String.valueOf(event.get(event.getSchema().getField("tenant").pos()));
    }

    /**
     * The record timestamp of an input event: its event time, as a gateway would set it, so that
     * {@code replay --from/--to} (offsetsForTimes) finds it. Null (the send time) for an event more
     * than an hour ahead, which a broker refuses by default ({@code message.timestamp.after.max.ms});
     * the engine then still sees it, and dead-letters it as too far in the future.
     */
    static Long timestamp(SpecificRecord event) {
        Instant ts = (Instant) event.get(event.getSchema().getField("ts").pos());
        return ts.isAfter(Instant.now().plus(BROKER_FUTURE_LIMIT)) ? null : ts.toEpochMilli();
    }
}
