package io.tripwire.engine.state;

import io.tripwire.engine.Engines;
import io.tripwire.engine.topology.EngineTopics;
import io.tripwire.engine.topology.StreamsSettings;
import io.tripwire.engine.topology.TopicNames;
import io.tripwire.engine.topology.TripwireTopology;
import io.tripwire.signing.ActionSigner;
import io.tripwire.wire.MockSchemaRegistry;
import io.tripwire.wire.Topic;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * The engine's real topology (default rules, Avro inputs) on a {@link TopologyTestDriver}, with a
 * mock schema registry of its own that closing drops: for tests of what the engine keeps and commits.
 */
final class EngineDriver implements AutoCloseable {

    final EngineTopics topics;
    final TopologyTestDriver driver;
    private final String registry = "engine-driver-" + UUID.randomUUID();

    EngineDriver(String app, Path stateDir) {
        topics = EngineTopics.create(TopicNames.DEFAULTS, Map.of("schema.registry.url", "mock://" + registry), EngineTopics.ActionFormat.AVRO);
        StreamsBuilder builder = new StreamsBuilder();
        TripwireTopology.build(builder, topics, Engines.rules(), new ActionSigner(Engines.KEYS.getPrivate()));
        driver = new TopologyTestDriver(builder.build(),
                StreamsSettings.of(app, "test:9092", stateDir, TopicNames.DEFAULTS.deadLetter(), Map.of()), Instant.now());
    }

    /** An input topic of the engine, keyed by tenant, its values in the engine's own serde. */
    <V> TestInputTopic<String, V> input(Topic<V> topic) {
        return driver.createInputTopic(topic.name(), new StringSerializer(), topic.valueSerde().serializer());
    }

    @Override
    public void close() {
        driver.close();
        MockSchemaRegistry.drop(registry);
    }
}
