package io.tripwire.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;

/** A Kafka Streams app with exactly_once_v2 runs against the one-node broker. */
class ExactlyOnceStreamsIT {

    private static final int TENANTS = 10;
    private static final int EVENTS = 300;

    @Test
    void readCommittedConsumerSeesExactlyTheTransformedRecords() {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            // given input events for ten tenants
            kafka.createTopics(2, "eos-input", "eos-output", "eos-counts");
            List<Map.Entry<String, String>> input = new ArrayList<>();
            for (int i = 0; i < EVENTS; i++) {
                input.add(Map.entry("tenant-" + (i % TENANTS), "event-" + i));
            }
            new TopicRecords(kafka.clientConfig(), "eos-input").produce(input);

            // when an exactly-once app upper-cases them and counts per tenant
            try (KafkaStreams streams = new KafkaStreams(topology(), streamsConfig(kafka))) {
                streams.start();

                // then a read_committed consumer sees each transformed record exactly once
                List<ConsumerRecord<String, String>> output = new TopicRecords(kafka.clientConfig(), "eos-output")
                        .consume(EVENTS, "read_committed", Duration.ofSeconds(60));
                assertThat(output).extracting(ConsumerRecord::value)
                        .containsExactlyInAnyOrderElementsOf(input.stream()
                                .map(e -> e.getValue().toUpperCase()).collect(Collectors.toList()));

                // and the last committed count of every tenant is its number of events
                String perTenant = Long.toString(EVENTS / TENANTS);
                Map<String, String> lastCount = lastValueByKey(new TopicRecords(kafka.clientConfig(), "eos-counts")
                        .consumeUntil(counts -> lastValueByKey(counts).size() == TENANTS
                                        && lastValueByKey(counts).values().stream().allMatch(perTenant::equals),
                                "read_committed", Duration.ofSeconds(60)));
                assertThat(lastCount).hasSize(TENANTS).allSatisfy((tenant, count) ->
                        assertThat(count).isEqualTo(perTenant));
            }
        }
    }

    private static Map<String, String> lastValueByKey(List<ConsumerRecord<String, String>> records) {
        Map<String, String> last = new HashMap<>();
        records.forEach(r -> last.put(r.key(), r.value()));
        return last;
    }

    private static Topology topology() {
        StreamsBuilder builder = new StreamsBuilder();
        KStream<String, String> events = builder.stream("eos-input", Consumed.with(Serdes.String(), Serdes.String()));
        events.mapValues(v -> v.toUpperCase(), Named.as("upper-case"))
                .to("eos-output", Produced.with(Serdes.String(), Serdes.String()));
        events.groupByKey()
                .count(Named.as("count-per-tenant"), Materialized.as("tenant-counts"))
                .toStream()
                .mapValues(String::valueOf)
                .to("eos-counts", Produced.with(Serdes.String(), Serdes.String()));
        return builder.build();
    }

    private static Properties streamsConfig(EmbeddedKafka kafka) {
        Properties config = new Properties();
        config.putAll(kafka.clientConfig());
        String appId = "eos-it-" + UUID.randomUUID();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        config.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        config.put(StreamsConfig.STATE_DIR_CONFIG, Path.of("target", "streams-state", appId).toAbsolutePath().toString());
        config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        config.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        // Kafka 4.4 warns unless this is set (it becomes the default in 5.0); one internal
        // StreamsConfig still logs the warning once.
        config.put("processing.exception.handler.global.enabled", true);
        return config;
    }
}
