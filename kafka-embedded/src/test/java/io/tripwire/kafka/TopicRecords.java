package io.tripwire.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Writes and reads string records of one topic, as the integration tests need them. */
final class TopicRecords {

    private final Map<String, Object> clientConfig;
    private final String topic;

    TopicRecords(Map<String, Object> clientConfig, String topic) {
        this.clientConfig = clientConfig;
        this.topic = topic;
    }

    /** Sends one record per key with acks=all and waits for the acknowledgements. */
    void produce(Map<String, String> keyedValues) {
        produce(List.copyOf(keyedValues.entrySet()));
    }

    /** Sends the records in order with acks=all and waits for the acknowledgements. */
    void produce(List<Map.Entry<String, String>> records) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            records.forEach(r -> producer.send(new ProducerRecord<>(topic, r.getKey(), r.getValue())));
            producer.flush();
        }
    }

    /** Reads from the beginning until {@code expected} records arrived, then a little longer for extras. */
    List<ConsumerRecord<String, String>> consume(int expected, String isolationLevel, Duration timeout) {
        return consumeUntil(records -> records.size() >= expected, isolationLevel, timeout);
    }

    /**
     * Reads from the beginning until {@code done} holds for all records read so far, then polls
     * once more so that extra records (duplicates) would show.
     */
    List<ConsumerRecord<String, String>> consumeUntil(Predicate<List<ConsumerRecord<String, String>>> done,
                                                      String isolationLevel, Duration timeout) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolationLevel);
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.test(records) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            assertThat(done.test(records)).as("expected records read from %s within %s, got %s",
                    topic, timeout, records.size()).isTrue();
            consumer.poll(Duration.ofMillis(500)).forEach(records::add);
        }
        return records;
    }
}
