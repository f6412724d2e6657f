package io.tripwire.cli;

import org.apache.avro.specific.SpecificRecord;

import java.time.Duration;
import java.time.Instant;

/**
 * The record key and timestamp of an input event; topics by record type:
 * {@link io.tripwire.engine.topology.TopicNames#topicOf}.
 */
public final class InputTopics {

    private static final Duration BROKER_FUTURE_LIMIT = Duration.ofHours(1);

    private InputTopics() {
    }

    /** The tenant of an input event: its record key. */
    static String tenant(SpecificRecord event) {
        return String.valueOf(event.get(event.getSchema().getField("tenant").pos()));
    }

    /**
     * Whether the engine's judgement of this event depends on events of other topics sent before it, and of later
     * ones on it: a rollout step (a ramp frozen by the requests before it; the canary stage of the requests after it)
     * and a human override (the hold or simulation before it; the enactments after it). The engine merges its inputs
     * in timestamp order as far as they are on the broker (docs/engine.md, "Cross-topic order"), but one producer does
     * not keep its order across partitions: with a backlog of request batches, a step sent later can be appended
     * first. A producer of a recording flushes before and after such an event, so that every earlier record is on
     * the broker before it and every later one after; they are rare, so this costs nothing measurable.
     */
    public static boolean ordersOthers(SpecificRecord event) {
        return event instanceof io.tripwire.schemas.RolloutStep || event instanceof io.tripwire.schemas.HumanOverride;
    }

    /** Sends one input event, flushing before and after it when it {@linkplain #ordersOthers orders others}. */
    public static void send(org.apache.kafka.clients.producer.Producer<String, SpecificRecord> producer,
                     org.apache.kafka.clients.producer.ProducerRecord<String, SpecificRecord> record,
                     org.apache.kafka.clients.producer.Callback callback) {
        boolean ordered = ordersOthers(record.value()); // on the broker in event-time order around it
        if (ordered) {
            producer.flush();
        }
        producer.send(record, callback);
        if (ordered) {
            producer.flush();
        }
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
