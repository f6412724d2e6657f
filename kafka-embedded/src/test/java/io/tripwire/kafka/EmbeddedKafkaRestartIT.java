package io.tripwire.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaRestartIT {

    @Test
    void recordsProducedBeforeARestartAreConsumedAfterIt() {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            // given records on a topic
            kafka.createTopics(2, "rollout-steps");
            String before = kafka.bootstrapServers();
            TopicRecords topic = new TopicRecords(kafka.clientConfig(), "rollout-steps");
            topic.produce(EmbeddedKafkaIT.numberedRecords(200));

            // when the broker restarts
            kafka.restart();

            // then it listens on the same address, still has the records and takes new ones
            assertThat(kafka.bootstrapServers()).isEqualTo(before);
            Map<String, String> more = new LinkedHashMap<>(Map.of("after-restart", "yes"));
            topic.produce(more);
            Map<String, String> expected = new LinkedHashMap<>(EmbeddedKafkaIT.numberedRecords(200));
            expected.putAll(more);
            assertThat(valuesByKey(topic, expected.size())).isEqualTo(expected);
        }
    }

    @Test
    void aGivenLogDirIsResumedByANewBrokerOnNewPorts() {
        Path logDir = Path.of("target", "it-given-log-dir", UUID.randomUUID().toString());
        Map<String, String> sent = EmbeddedKafkaIT.numberedRecords(50);
        try (EmbeddedKafka first = EmbeddedKafka.builder().logDir(logDir).build().start()) {
            first.createTopics(1, "metric-samples");
            new TopicRecords(first.clientConfig(), "metric-samples").produce(sent);
        }
        try (EmbeddedKafka second = EmbeddedKafka.builder().logDir(logDir).build().start()) {
            assertThat(valuesByKey(new TopicRecords(second.clientConfig(), "metric-samples"), 50)).isEqualTo(sent);
        }
    }

    private static Map<String, String> valuesByKey(TopicRecords topic, int expected) {
        Map<String, String> received = new LinkedHashMap<>();
        for (ConsumerRecord<String, String> r : topic.consume(expected, "read_uncommitted", Duration.ofSeconds(30))) {
            received.put(r.key(), r.value());
        }
        return received;
    }
}
