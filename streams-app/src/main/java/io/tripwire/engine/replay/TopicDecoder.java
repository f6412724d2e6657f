package io.tripwire.engine.replay;

import io.tripwire.engine.ingest.Ingest;
import io.tripwire.engine.topology.TripwireTopology;
import io.tripwire.schemas.AutonomyDecision;
import io.tripwire.schemas.HumanOverride;
import io.tripwire.schemas.MetricSample;
import io.tripwire.schemas.PolicyDecision;
import io.tripwire.schemas.RequestLatency;
import io.tripwire.schemas.RolloutStep;
import io.tripwire.wire.DecodeException;
import io.tripwire.wire.InputDeserializer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One record of a topic replay read as the engine reads it, and what of it is in the window. An
 * input topic's value goes through the engine's input deserializer (Avro wire format or the JSON
 * form); an OTLP or OPA topic's through the engine's on-ramp ({@link Ingest}, what the live
 * engine's decode step runs), so there is one decoding path. A record that does not decode, or
 * has parts that do not map, gives the one dead letter the engine writes for it (its reason and
 * message), with source {@code topic-partition@offset}. Window: {@link ReplayTopics}.
 */
final class TopicDecoder {

    /** The six kinds of input event, in {@code TopicNames.inputs()} order: the tie-break of equal event times. */
    private static final List<Class<? extends SpecificRecord>> KINDS = List.of(RequestLatency.class, MetricSample.class,
            AutonomyDecision.class, PolicyDecision.class, RolloutStep.class, HumanOverride.class);

    /** A decoded event in the window, and where it came from ({@code topic}: its index in {@link ReplayTopics#topics()}). */
    record Pending(ReplayInput.Event event, int kind, int topic, int partition, long offset) {
        /**
         * The replay order: event time; equal times by kind of event (requests, metrics, autonomy,
         * policy, rollout, overrides, whichever topic carried it, so that an incident sent through
         * the OTLP and OPA topics replays in the order of its JSON form), then topic, partition and
         * offset. The events of one record keep their order (every sort of them is stable).
         */
        static final Comparator<Pending> ORDER = Comparator.comparing((Pending p) -> p.event.ts()).thenComparingInt(Pending::kind)
                .thenComparingInt(Pending::topic).thenComparingInt(Pending::partition).thenComparingLong(Pending::offset);
    }

    /** A record's dead letter, and where it came from; dead letters are listed by topic, partition and offset. */
    record Refused(ReplayOutput.DeadLetter deadLetter, int topic, int partition, long offset) {
        static final Comparator<Refused> ORDER = Comparator.comparingInt(Refused::topic)
                .thenComparingInt(Refused::partition).thenComparingLong(Refused::offset);
    }

    /** What one record gave the replay: its events in the window, in replay order, and its dead letter (null: none). */
    record Decoded(List<Pending> events, Refused refused) {
        static final Decoded NOTHING = new Decoded(List.of(), null);
    }

    private final ReplayTopics topics;
    private final List<String> order;
    private final Map<String, Ingest.Form> onRamps;
    private final Map<String, InputDeserializer<?>> readers = new HashMap<>();
    private final Ingest ingest;

    /** @param serdeConfig settings of the input deserializer ({@code schema.registry.url}, ...) */
    TopicDecoder(ReplayTopics topics, Map<String, ?> serdeConfig) {
        this.topics = topics;
        this.order = topics.topics();
        this.onRamps = topics.onRamps();
        List<String> inputs = topics.names().inputs();
        for (int i = 0; i < inputs.size(); i++) {
            InputDeserializer<?> reader = new InputDeserializer<>(KINDS.get(i));
            reader.configure(serdeConfig, false);
            readers.put(inputs.get(i), reader);
        }
        this.ingest = new Ingest(topics.ingestion().mapping());
    }

    /** The record's events in {@code window} and its dead letter; tombstones give nothing, as the engine skips them. */
    Decoded decode(ConsumerRecord<byte[], byte[]> r, TopicReplay.Window window) {
        if (r.value() == null) {
            return Decoded.NOTHING;
        }
        Ingest.Form form = onRamps.get(r.topic());
        return form == null ? input(r, window) : onRamp(r, form, window);
    }

    /** An input topic's record: one event, in the window by its Kafka timestamp and key. */
    private Decoded input(ConsumerRecord<byte[], byte[]> r, TopicReplay.Window window) {
        if (!window.holds(r)) {
            return Decoded.NOTHING;
        }
        try {
            SpecificRecord e = readers.get(r.topic()).deserialize(r.topic(), r.value());
            return new Decoded(List.of(pending(e, r)), null);
        } catch (DecodeException e) {
            return new Decoded(List.of(), refused(r, e));
        }
    }

    /**
     * An OTLP or OPA record (read when its Kafka timestamp is within the margin around the window):
     * each event whose own time is in the window (and, with a tenant, of that tenant), in time
     * order. Its dead letter is shown when it gave an event so kept, or when its Kafka timestamp
     * is in the window and it gave no event of another tenant (whose refused parts are cannot be
     * told otherwise).
     */
    private Decoded onRamp(ConsumerRecord<byte[], byte[]> r, Ingest.Form form, TopicReplay.Window window) {
        long margin = topics.margin().toMillis();
        if (r.timestamp() < topics.readFrom(r.topic(), window.from()) || r.timestamp() >= window.to().toEpochMilli() + margin) {
            return Decoded.NOTHING;
        }
        boolean sentInWindow = window.covers(Instant.ofEpochMilli(r.timestamp()));
        Ingest.Mapped m;
        try {
            m = ingest.map(form, r.value(), source(r));
        } catch (DecodeException e) {
            return sentInWindow ? new Decoded(List.of(), refused(r, e)) : Decoded.NOTHING;
        }
        List<Pending> kept = new ArrayList<>();
        boolean othersOnly = false;
        for (SpecificRecord e : m.events()) {
            boolean mine = window.tenant() == null || window.tenant().equals(TripwireTopology.tenantOf(e));
            othersOnly |= !mine;
            if (mine && window.covers(ts(e))) {
                kept.add(pending(e, r));
            }
        }
        kept.sort(Pending.ORDER); // a batch's spans are in no particular time order
        DecodeException refusal = m.refusal();
        boolean shown = refusal != null && (!kept.isEmpty() || sentInWindow && !othersOnly);
        return new Decoded(kept, shown ? refused(r, refusal) : null);
    }

    private Pending pending(SpecificRecord e, ConsumerRecord<byte[], byte[]> r) {
        byte[] value = r.value();
        Supplier<String> raw = () -> raw(value);
        return new Pending(new ReplayInput.Event(e, ts(e), 0, source(r), raw), KINDS.indexOf(e.getClass()), order.indexOf(r.topic()),
                r.partition(), r.offset());
    }

    private Refused refused(ConsumerRecord<byte[], byte[]> r, DecodeException e) {
        return new Refused(new ReplayOutput.DeadLetter(0, source(r), e.reason(), e.getMessage(), raw(r.value())),
                order.indexOf(r.topic()), r.partition(), r.offset());
    }

    private static Instant ts(SpecificRecord e) {
        return (Instant) e.get(e.getSchema().getField("ts").pos());
    }

    /** Where a record is, as dead letters and the engine's messages name it. */
    static String source(ConsumerRecord<?, ?> r) {
        return r.topic() + "-" + r.partition() + "@" + r.offset();
    }

    /** A record value as a dead letter shows it: its text when it is UTF-8 JSON, else {@code base64:} and the bytes. */
    static String raw(byte[] value) {
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(value)).toString();
            if (text.stripLeading().startsWith("{")) {
                return text;
            }
        } catch (CharacterCodingException e) {
            // binary: Avro, OTLP protobuf or garbage
        }
        return "base64:" + Base64.getEncoder().encodeToString(value);
    }
}
