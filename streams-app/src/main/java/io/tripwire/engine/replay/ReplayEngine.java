package io.tripwire.engine.replay;

import io.tripwire.engine.rules.Rules;
import io.tripwire.engine.topology.DeadLetters;
import io.tripwire.engine.topology.EngineTopics;
import io.tripwire.engine.topology.StreamsSettings;
import io.tripwire.engine.topology.TopicNames;
import io.tripwire.engine.topology.TripwireTopology;
import io.tripwire.schemas.AutonomyDecision;
import io.tripwire.schemas.HumanOverride;
import io.tripwire.schemas.MetricSample;
import io.tripwire.schemas.PolicyDecision;
import io.tripwire.schemas.RequestLatency;
import io.tripwire.schemas.RolloutStep;
import io.tripwire.schemas.TripwireAction;
import io.tripwire.signing.ActionSigner;
import io.tripwire.wire.DecodeException;
import io.tripwire.wire.EventValidation;
import io.tripwire.wire.MockSchemaRegistry;
import io.tripwire.wire.Topic;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Runs the engine's real topology over recorded events in one JVM, with no broker: each event is
 * written in the Avro wire format to its input topic of a {@link TopologyTestDriver}, and what the
 * topology writes (actions, signals, dead letters) is collected in order. Used by file replay,
 * topic replay and the specification tests.
 */
public final class ReplayEngine implements AutoCloseable {

    private final TopologyTestDriver driver;
    private final Map<Class<?>, TestInputTopic<String, SpecificRecord>> inputs = new HashMap<>();
    private final TestOutputTopic<String, TripwireAction> actions;
    private final TestOutputTopic<String, String> signals;
    private final TestOutputTopic<byte[], byte[]> deadLetters;
    private final String registry;
    private final Path stateDir;
    private final List<TripwireAction> actionLog = new ArrayList<>();
    private final List<String> signalLog = new ArrayList<>();
    private final List<ReplayOutput.DeadLetter> deadLetterLog = new ArrayList<>();
    private long events;

    public ReplayEngine(Rules rules, ActionSigner signer) {
        TopicNames names = TopicNames.DEFAULTS;
        registry = "replay-" + UUID.randomUUID();
        Map<String, Object> serdeConfig = Map.of("schema.registry.url", "mock://" + registry);
        EngineTopics topics = EngineTopics.create(names, serdeConfig, EngineTopics.ActionFormat.AVRO);
        StreamsBuilder builder = new StreamsBuilder();
        TripwireTopology.build(builder, topics, rules, signer);
        try {
            Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
            stateDir = Files.createTempDirectory("tripwire-replay");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        driver = new TopologyTestDriver(builder.build(),
                StreamsSettings.of("tripwire-replay", "replay:9092", stateDir, names.deadLetter(), Map.of()), Instant.now()); // wall clock: now (future-skew check, stale warnings)
        inputs.put(RequestLatency.class, input(topics.requests()));
        inputs.put(MetricSample.class, input(topics.metrics()));
        inputs.put(AutonomyDecision.class, input(topics.autonomy()));
        inputs.put(PolicyDecision.class, input(topics.policy()));
        inputs.put(RolloutStep.class, input(topics.rollout()));
        inputs.put(HumanOverride.class, input(topics.overrides()));
        actions = driver.createOutputTopic(names.actions(), new StringDeserializer(), topics.actions().valueSerde().deserializer());
        signals = driver.createOutputTopic(names.signals(), new StringDeserializer(), new StringDeserializer());
        deadLetters = driver.createOutputTopic(names.deadLetter(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @SuppressWarnings("unchecked")
    private TestInputTopic<String, SpecificRecord> input(Topic<? extends SpecificRecord> t) {
        return driver.createInputTopic(t.name(), new StringSerializer(), (Serializer<SpecificRecord>) t.valueSerde().serializer());
    }

    /** Feeds one event; {@code line} and {@code raw} identify it in dead letters. */
    public void send(SpecificRecord event, long line, String raw) {
        send(event, line, null, () -> raw);
    }

    /**
     * Feeds one event; {@code line} (a file's) or {@code source} (a topic record's
     * {@code topic-partition@offset}, else null) and {@code raw} (asked for only when the event is
     * refused) identify it in dead letters.
     */
    public void send(SpecificRecord event, long line, String source, Supplier<String> raw) {
        TestInputTopic<String, SpecificRecord> in = inputs.get(event.getClass());
        if (in == null) {
            throw new IllegalArgumentException(event.getSchema().getName() + " is not an input event");
        }
        events++;
        try {
            // what the input deserializer does on a topic; TopologyTestDriver does not surface the
            // dead-letter records of the deserialization handler, so replay records the rejection here
            EventValidation.validate(event);
        } catch (DecodeException e) {
            deadLetterLog.add(new ReplayOutput.DeadLetter(line, source, e.reason(), e.getMessage(), raw.get()));
            return;
        }
        String tenant = (String) event.get(event.getSchema().getField("tenant").pos());
        Instant ts = (Instant) event.get(event.getSchema().getField("ts").pos());
        // a Kafka record's timestamp is never negative (the engine reads event time from ts anyway)
        in.pipeInput(tenant, event, ts.toEpochMilli() < 0 ? Instant.EPOCH : ts);
        actionLog.addAll(actions.readValuesToList());
        signals.readValuesToList().forEach(signalLog::add);
        for (TestRecord<byte[], byte[]> d : deadLetters.readRecordsToList()) {
            deadLetterLog.add(new ReplayOutput.DeadLetter(line, source, header(d, DeadLetters.REASON_HEADER),
                    header(d, "__streams.errors.message"), raw.get()));
        }
    }

    /** Feeds events in timestamp order (stable: equal times keep their order). */
    public void sendAll(List<? extends SpecificRecord> events) {
        List<SpecificRecord> sorted = new ArrayList<>(events);
        sorted.sort(Comparator.comparing(e -> (Instant) e.get(e.getSchema().getField("ts").pos())));
        for (SpecificRecord e : sorted) {
            send(e, 0, null);
        }
    }

    /** Moves the driver's wall clock (wall-clock punctuators, e.g. the stale-series check, run). */
    public void advanceWallClock(java.time.Duration d) {
        driver.advanceWallClockTime(d);
    }

    /** Adds a dead letter found before the topology (an unreadable line). */
    public void rejected(long line, String reason, String error, String raw) {
        rejected(new ReplayOutput.DeadLetter(line, reason, error, raw));
    }

    /** Adds a dead letter found before the topology (an unreadable line or record). */
    public void rejected(ReplayOutput.DeadLetter d) {
        deadLetterLog.add(d);
    }

    public ReplayOutput output() {
        return new ReplayOutput(List.copyOf(actionLog), List.copyOf(signalLog), List.copyOf(deadLetterLog), events);
    }

    private static String header(TestRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        driver.close();
        MockSchemaRegistry.drop(registry);
        try (var files = Files.walk(stateDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a temp dir left behind is harmless
        }
    }
}
