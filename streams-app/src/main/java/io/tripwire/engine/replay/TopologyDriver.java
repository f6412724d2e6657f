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
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The whole engine topology in Kafka Streams' {@link TopologyTestDriver}: each event is written in
 * the Avro wire format to its input topic, and what the topology writes (actions, signals, dead
 * letters) is read back. About ten times slower than {@link DirectDriver}; kept as the reference
 * the direct driver is checked against, since it runs every part of the live topology.
 */
final class TopologyDriver implements ReplayDriver {

    private final TopologyTestDriver driver;
    private final Map<Class<?>, TestInputTopic<String, SpecificRecord>> inputs = new HashMap<>();
    private final TestOutputTopic<String, TripwireAction> actions;
    private final TestOutputTopic<String, String> signals;
    private final TestOutputTopic<byte[], byte[]> deadLetters;
    private final String registry;
    private final Path stateDir;

    TopologyDriver(Rules rules, ActionSigner signer, Instant wallClockStart) {
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
                StreamsSettings.of("tripwire-replay", "replay:9092", stateDir, names.deadLetter(), Map.of()), wallClockStart);
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

    @Override
    public void process(String tenant, SpecificRecord event, long timestamp, Outputs out) {
        TestInputTopic<String, SpecificRecord> in = inputs.get(event.getClass());
        if (in == null) {
            throw new IllegalArgumentException(event.getSchema().getName() + " is not an input event");
        }
        in.pipeInput(tenant, event, Instant.ofEpochMilli(timestamp));
        actions.readValuesToList().forEach(out::action);
        signals.readValuesToList().forEach(out::signal);
        for (TestRecord<byte[], byte[]> d : deadLetters.readRecordsToList()) {
            out.refused(header(d, DeadLetters.REASON_HEADER), header(d, "__streams.errors.message"));
        }
    }

    private static String header(TestRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Override
    public void advanceWallClock(Duration d) {
        driver.advanceWallClockTime(d);
    }

    @Override
    public <V> org.apache.kafka.streams.state.KeyValueStore<String, V> store(String name) {
        return driver.getKeyValueStore(name);
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
