package io.tripwire.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaIT {

    @Test
    void producedRecordsAreConsumedBack() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            // given a topic with three partitions
            kafka.createTopics(3, "request-latency");
            assertThat(kafka.bootstrapServers()).startsWith("127.0.0.1:");
            try (Admin admin = Admin.create(kafka.adminConfig())) {
                assertThat(admin.describeTopics(java.util.List.of("request-latency")).allTopicNames().get()
                        .get("request-latency").partitions()).hasSize(3);
            }

            // when 1,000 records are produced
            Map<String, String> sent = numberedRecords(1_000);
            TopicRecords topic = new TopicRecords(kafka.clientConfig(), "request-latency");
            topic.produce(sent);

            // then exactly those are consumed back
            Map<String, String> received = new LinkedHashMap<>();
            for (ConsumerRecord<String, String> r : topic.consume(1_000, "read_uncommitted", Duration.ofSeconds(30))) {
                assertThat(received.put(r.key(), r.value())).as("duplicate key %s", r.key()).isNull();
            }
            assertThat(received).isEqualTo(sent);
        }
    }

    @Test
    void closeDeletesTheTemporaryLogDirButKeepsAGivenOne() {
        Path given = Path.of("target", "it-given-log-dir", java.util.UUID.randomUUID().toString());
        EmbeddedKafka temporary = EmbeddedKafka.builder().build();
        Path tempDir = temporary.logDir();
        temporary.start().close();
        assertThat(tempDir).doesNotExist();

        try (EmbeddedKafka kept = EmbeddedKafka.builder().logDir(given.resolve("kafka")).build().start()) {
            kept.createTopics(1, "kept");
        }
        assertThat(given.resolve("kafka/meta.properties")).exists();
        assertThat(Files.isDirectory(given.resolve("kafka"))).isTrue();
    }

    @Test
    void bootstrapServersBeforeStartIsAnError() {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build()) {
            assertThatThrownBy(kafka::bootstrapServers).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("not been started");
        }
    }

    static Map<String, String> numberedRecords(int count) {
        Map<String, String> records = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            records.put("key-" + i, "value-" + i);
        }
        return records;
    }
}
