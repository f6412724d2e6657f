package io.tripwire.executor.ledger;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LedgerReaderTest {

    private static final String TOPIC = "action-ledger";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);

    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    private final Ledger ledger = new Ledger();
    private final LedgerReader reader = new LedgerReader(consumer, TOPIC, ledger);

    private static ConsumerRecord<byte[], byte[]> entry(TopicPartition p, long offset, String id, String status) {
        return new ConsumerRecord<>(TOPIC, p.partition(), offset, id.getBytes(StandardCharsets.UTF_8),
                new LedgerEntry(status, Instant.parse("2025-10-06T11:07:01Z"), 1, "command").toBytes());
    }

    private void topicWithTwoPartitions() {
        Node n = new Node(0, "localhost", 9092);
        consumer.updatePartitions(TOPIC, List.of(new PartitionInfo(TOPIC, 0, n, null, null), new PartitionInfo(TOPIC, 1, n, null, null)));
        consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
    }

    /** Makes {@code records} fetchable at the next poll (MockConsumer serves records added after assignment). */
    @SafeVarargs
    private void fetchable(ConsumerRecord<byte[], byte[]>... records) {
        consumer.schedulePollTask(() -> {
            for (ConsumerRecord<byte[], byte[]> r : records) {
                consumer.addRecord(r);
            }
        });
    }

    @Test
    void restoreReadsEveryPartitionToItsEndBeforeReturning() {
        topicWithTwoPartitions();
        consumer.updateEndOffsets(Map.of(P0, 2L, P1, 1L));
        fetchable(entry(P0, 0, "a", "FAILED"), entry(P1, 0, "b", "EXECUTED"), entry(P0, 1, "a", "EXECUTED"));

        long read = reader.restore(Duration.ofSeconds(5));

        assertThat(read).isEqualTo(3);
        assertThat(ledger.executed("a")).isTrue();
        assertThat(ledger.executed("b")).isTrue();
        assertThat(consumer.assignment()).containsExactlyInAnyOrder(P0, P1);
    }

    @Test
    void catchUpReadsOnlyWhatWasCommittedSinceTheLastRead() {
        topicWithTwoPartitions();
        consumer.updateEndOffsets(Map.of(P0, 1L, P1, 0L));
        fetchable(entry(P0, 0, "a", "EXECUTED"));
        reader.restore(Duration.ofSeconds(5));

        Map<TopicPartition, Long> end = new HashMap<>(Map.of(P0, 1L, P1, 1L));
        consumer.updateEndOffsets(end);
        fetchable(entry(P1, 0, "c", "EXECUTED"));
        long read = reader.catchUp(Duration.ofSeconds(5));

        assertThat(read).isEqualTo(1);
        assertThat(ledger.executed("c")).isTrue();
        assertThat(ledger.size()).isEqualTo(2);
        assertThat(reader.catchUp(Duration.ofSeconds(5))).isZero();
    }

    @Test
    void anEmptyLedgerRestoresAtOnce() {
        topicWithTwoPartitions();
        consumer.updateEndOffsets(Map.of(P0, 0L, P1, 0L));

        assertThat(reader.restore(Duration.ofSeconds(5))).isZero();
        assertThat(ledger.size()).isZero();
    }

    @Test
    void aLedgerThatCannotBeReadToItsEndFailsTheStartInsteadOfRunningBlind() {
        topicWithTwoPartitions();
        consumer.updateEndOffsets(Map.of(P0, 5L, P1, 0L)); // records the broker never delivers

        assertThatThrownBy(() -> reader.restore(Duration.ofMillis(600)))
                .isInstanceOf(TimeoutException.class)
                .hasMessageContaining("not read to its end");
    }
}
