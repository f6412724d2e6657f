package io.tripwire.executor.ledger;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Reads the ledger topic into a {@link Ledger}: the whole topic at startup, then whatever other
 * executor instances committed since, each time partitions of the action topic are assigned. It
 * reads committed records only (read_committed, no consumer group), up to the end offsets taken when
 * it starts reading.
 */
public final class LedgerReader implements AutoCloseable {

    private final Consumer<byte[], byte[]> consumer;
    private final String topic;
    private final Ledger ledger;
    private boolean assigned;

    /** {@code consumer} must be configured read_committed and without a group. */
    public LedgerReader(Consumer<byte[], byte[]> consumer, String topic, Ledger ledger) {
        this.consumer = consumer;
        this.topic = topic;
        this.ledger = ledger;
    }

    /** Reads the whole topic; returns the records read. */
    public long restore(Duration timeout) {
        List<TopicPartition> parts = partitions(timeout);
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        assigned = true;
        return catchUp(timeout);
    }

    /** Reads what was committed since the last read; returns the records read. */
    public long catchUp(Duration timeout) {
        if (!assigned) {
            return restore(timeout);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment(), timeout);
        long read = 0;
        while (!reached(end)) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("ledger topic " + topic + " not read to its end within " + timeout);
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                ledger.apply(r.key(), r.value());
                read++;
            }
        }
        return read;
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private List<TopicPartition> partitions(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos != null && !infos.isEmpty()) {
                return infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("ledger topic " + topic + " has no partitions");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TimeoutException("interrupted while waiting for ledger topic " + topic);
            }
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
