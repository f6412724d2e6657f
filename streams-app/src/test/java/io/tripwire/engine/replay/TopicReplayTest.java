package io.tripwire.engine.replay;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What topic replay asks of the cluster, and how it shows a record value; the reading itself: cli's TopicReplayIT. */
class TopicReplayTest {

    @Test
    void theConsumerHasNoGroupCommitsNothingReadsCommittedAndCreatesNoTopicWhateverTheCommandConfigSays() {
        Map<String, Object> c = TopicReplay.consumerConfig(Map.of("bootstrap.servers", "b:9092", "security.protocol", "SASL_SSL",
                "group.id", "ops", "group.instance.id", "ops-1", "enable.auto.commit", "true", "isolation.level", "read_uncommitted",
                "allow.auto.create.topics", "true", "default.api.timeout.ms", "5000"));

        assertThat(c).doesNotContainKeys("group.id", "group.instance.id")
                .containsEntry("enable.auto.commit", false)
                .containsEntry("isolation.level", "read_committed")
                .containsEntry("allow.auto.create.topics", false)
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("default.api.timeout.ms", "5000");
        assertThat(TopicReplay.consumerConfig(Map.of("bootstrap.servers", "b:9092")))
                .containsEntry("default.api.timeout.ms", 30_000).containsEntry("request.timeout.ms", 30_000);
    }

    @Test
    void aWindowIsFromInclusiveToExclusiveAndMustNotBeEmpty() {
        Instant t = Instant.parse("2025-10-06T10:00:00Z");
        assertThatThrownBy(() -> new TopicReplay.Window(t, t, null)).hasMessageContaining("must be before");
        assertThatThrownBy(() -> new TopicReplay.Window(t.plusSeconds(1), t, null)).isInstanceOf(IllegalArgumentException.class);

        TopicReplay.Window w = new TopicReplay.Window(t, t.plusSeconds(60), "TENANT_004");
        long from = t.toEpochMilli();
        assertThat(w.holds(record(from, "TENANT_004"))).isTrue();
        assertThat(w.holds(record(from - 1, "TENANT_004"))).isFalse();
        assertThat(w.holds(record(from + 59_999, "TENANT_004"))).isTrue();
        assertThat(w.holds(record(from + 60_000, "TENANT_004"))).isFalse();
        assertThat(w.holds(record(from, "TENANT_0040"))).isFalse();
        assertThat(w.holds(record(from, null))).isFalse();
        assertThat(new TopicReplay.Window(t, t.plusSeconds(60), null).holds(record(from, null))).isTrue();
    }

    private static ConsumerRecord<byte[], byte[]> record(long timestamp, String key) {
        return new ConsumerRecord<>("request-latency", 0, 0, timestamp, TimestampType.CREATE_TIME, 0, 0,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8), new byte[] {'{', '}'}, new RecordHeaders(), Optional.empty());
    }

    @Test
    void aRawValueIsItsJsonTextOrBase64() {
        assertThat(TopicDecoder.raw(" {\"type\":\"request\"}".getBytes(StandardCharsets.UTF_8))).isEqualTo(" {\"type\":\"request\"}");
        assertThat(TopicDecoder.raw(new byte[] {0, 0, 0, 0, 1, 2})).isEqualTo("base64:AAAAAAEC");
        assertThat(TopicDecoder.raw(new byte[] {'{', (byte) 0xff})).startsWith("base64:");
    }
}
