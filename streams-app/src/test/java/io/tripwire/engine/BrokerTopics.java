package io.tripwire.engine;

import io.tripwire.kafka.EmbeddedKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Reading what the engine wrote to a real broker, and waiting for it to commit, for the integration tests. */
public final class BrokerTopics {

    private BrokerTopics() {
    }

    /**
     * A topic from the start (read_committed) until {@code expected} records arrived or 60 s passed, then 2 s
     * more to catch records that should not be there; in partition then offset order.
     */
    public static List<ConsumerRecord<byte[], byte[]>> read(EmbeddedKafka kafka, String topic, int expected) {
        Map<String, Object> cfg = new HashMap<>(kafka.clientConfig());
        cfg.put("group.id", "it-" + UUID.randomUUID());
        cfg.put("auto.offset.reset", "earliest");
        cfg.put("isolation.level", "read_committed");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(cfg, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (out.size() < expected && System.nanoTime() < end) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            long settle = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (System.nanoTime() < settle) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        out.sort(java.util.Comparator.comparingInt(ConsumerRecord<byte[], byte[]>::partition).thenComparingLong(ConsumerRecord::offset));
        return out;
    }

    /** Waits up to 30 s until {@code group} has committed {@code tp} at or past {@code offset} (the engine processed what is before it). */
    public static void awaitCommitted(Admin admin, String group, TopicPartition tp, long offset) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < end) {
            OffsetAndMetadata o = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().get(tp);
            if (o != null && o.offset() >= offset) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the engine did not commit " + tp + "@" + offset + " within 30 s");
    }
}
