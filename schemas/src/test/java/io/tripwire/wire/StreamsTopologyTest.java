package io.tripwire.wire;

import io.tripwire.schemas.RequestLatency;
import io.tripwire.testing.SampleRecords;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class StreamsTopologyTest {

    private final String registryName = "streams-test-" + UUID.randomUUID();
    private final Map<String, Object> serdeConfig = Map.of("schema.registry.url", "mock://" + registryName);

    @AfterEach
    void dropRegistry() {
        MockSchemaRegistry.drop(registryName);
    }

    /** The topology under test: marks every request slow by doubling its latency. */
    static void doubleLatency(StreamsBuilder builder, Topic<RequestLatency> in, Topic<RequestLatency> out) {
        builder.stream(in.name(), Consumed.with(in.keySerde(), in.valueSerde()))
                .mapValues(r -> RequestLatency.newBuilder(r).setLatencyMs(r.getLatencyMs() * 2).build(), Named.as("double-latency"))
                .to(out.name(), Produced.with(out.keySerde(), out.valueSerde()));
    }

    @Test
    void carriesRequestLatencyThroughATopologyInBothFormats() {
        // given
        Topic<RequestLatency> in = Topic.of("request-latency", AvroSerdes.input(RequestLatency.class, serdeConfig));
        Topic<RequestLatency> out = Topic.of("slow-requests", AvroSerdes.serde(RequestLatency.class, serdeConfig));
        StreamsBuilder builder = new StreamsBuilder();
        doubleLatency(builder, in, out);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "serde-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");

        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props)) {
            TestInputTopic<String, RequestLatency> input = driver.createInputTopic(in.name(),
                    in.keySerde().serializer(), in.valueSerde().serializer());
            TestInputTopic<String, byte[]> rawInput = driver.createInputTopic(in.name(),
                    in.keySerde().serializer(), new org.apache.kafka.common.serialization.ByteArraySerializer());
            TestOutputTopic<String, RequestLatency> output = driver.createOutputTopic(out.name(),
                    out.keySerde().deserializer(), out.valueSerde().deserializer());

            // when
            input.pipeInput("TENANT_004", SampleRecords.request(), SampleRecords.T0);
            rawInput.pipeInput("TENANT_004", ("{\"ts\":\"2025-10-06T10:00:01Z\",\"tenant\":\"TENANT_004\",\"service\":\"api\","
                    + "\"op\":\"WRITE\",\"status\":503,\"latencyMs\":100}").getBytes(), SampleRecords.T0.plusSeconds(1));

            // then
            var results = output.readKeyValuesToList();
            assertThat(results).hasSize(2);
            assertThat(results.get(0).key).isEqualTo("TENANT_004");
            assertThat(results.get(0).value.getLatencyMs()).isEqualTo(425.0);
            assertThat(results.get(1).value.getLatencyMs()).isEqualTo(200.0);
            assertThat(results.get(1).value.getStatus()).isEqualTo(503);
        }
        assertThat(MockSchemaRegistry.forName(registryName).latest("slow-requests-value").schema())
                .isEqualTo(RequestLatency.getClassSchema());
    }

    @Test
    void refusesATopicWithoutName() {
        Serde<RequestLatency> serde = AvroSerdes.serde(RequestLatency.class, serdeConfig);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Topic.of(" ", serde))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
