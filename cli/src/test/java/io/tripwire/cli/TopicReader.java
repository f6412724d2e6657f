package io.tripwire.cli;

import io.tripwire.kafka.EmbeddedKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/** Reads what reached a topic, read_committed, from the beginning. */
final class TopicReader {

    private TopicReader() {
    }

    /**
     * Polls {@code topics} until {@code done} holds for what was read or {@code timeout} passed, then a
     * further second to catch records that should not be there.
     */
    static List<ConsumerRecord<String, byte[]>> read(EmbeddedKafka kafka, Collection<String> topics, Duration timeout,
                                                      Predicate<List<ConsumerRecord<String, byte[]>>> done) {
        Map<String, Object> cfg = new HashMap<>(kafka.clientConfig());
        cfg.put("group.id", "cli-it-" + UUID.randomUUID());
        cfg.put("auto.offset.reset", "earliest");
        cfg.put("isolation.level", "read_committed");
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(cfg, new StringDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(topics);
            long end = System.nanoTime() + timeout.toNanos();
            while (!done.test(out) && System.nanoTime() < end) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            long settle = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            while (System.nanoTime() < settle) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    /** Reads until at least {@code expected} records arrived. */
    static List<ConsumerRecord<String, byte[]>> read(EmbeddedKafka kafka, Collection<String> topics, int expected) {
        return read(kafka, topics, Duration.ofSeconds(30), got -> got.size() >= expected);
    }
}
