package io.tripwire.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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

    /** Sends every record with acks=all and waits for each acknowledgement. */
    void produce(Map<String, String> keyedValues) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            keyedValues.forEach((key, value) -> producer.send(new ProducerRecord<>(topic, key, value)));
            producer.flush();
        }
    }

    /** Reads from the beginning until {@code expected} records arrived, then a little longer for extras. */
    List<ConsumerRecord<String, String>> consume(int expected, String isolationLevel, Duration timeout) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolationLevel);
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            assertThat(records).as("records read from %s within %s", topic, timeout).hasSizeGreaterThanOrEqualTo(expected);
            consumer.poll(Duration.ofMillis(500)).forEach(records::add);
        }
        return records;
    }
}
