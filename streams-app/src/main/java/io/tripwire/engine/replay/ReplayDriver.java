package io.tripwire.engine.replay;

import io.tripwire.schemas.TripwireAction;
import org.apache.avro.specific.SpecificRecord;

import java.time.Duration;

/**
 * What runs the engine's processor for {@link ReplayEngine}: {@link DirectDriver} (the default:
 * the processor and its stores driven directly) or {@link TopologyDriver} (the whole topology in
 * Kafka Streams' {@code TopologyTestDriver}, serdes and exception handlers included).
 */
interface ReplayDriver extends AutoCloseable {

    /** Where one event's outputs go, in the order the processor produced them. */
    interface Outputs {
        void action(TripwireAction action);

        /** A signal as its JSON line (SPEC section 5). */
        void signal(String json);

        /** The event was refused by the processor (late, future, a processing error). */
        void refused(String reason, String message);
    }

    /** Processes one event that passed {@code EventValidation}. */
    void process(String tenant, SpecificRecord event, long timestamp, Outputs out);

    /** A state store of the processor, to read what it knows after the events so far (e.g. a canary's evidence). */
    <V> org.apache.kafka.streams.state.KeyValueStore<String, V> store(String name);

    /** Moves the wall clock; wall-clock punctuators that are due run. */
    void advanceWallClock(Duration d);

    @Override
    void close();
}
