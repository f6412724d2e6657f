package io.tripwire.wire;

import io.tripwire.kafka.EmbeddedKafka;
import io.tripwire.testing.SampleRecords;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every record type through a real broker with the Avro serde: the raw value is the Confluent wire
 * format (magic byte 0, then the id registered under {@code <topic>-value}), and it reads back equal.
 */
class WireRoundTripIT {

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.builder().build().start();
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    @Test
    void everyEventTypeRoundTripsInTheWireFormat() {
        String registryName = "wire-it-" + UUID.randomUUID();
        Map<String, Object> cfg = new HashMap<>(kafka.clientConfig());
        cfg.put("schema.registry.url", "mock://" + registryName);
        for (SpecificRecord record : SampleRecords.all()) {
            String topic = "wire-" + record.getSchema().getName();
            kafka.createTopics(1, topic);
            AvroSerializer<SpecificRecord> serializer = new AvroSerializer<>();
            serializer.configure(cfg, false);
            try (KafkaProducer<String, SpecificRecord> p = new KafkaProducer<>(cfg, new StringSerializer(), serializer)) {
                p.send(new ProducerRecord<>(topic, "TENANT_004", record));
            }
            byte[] raw = readOne(topic);
            int registered = MockSchemaRegistry.forName(registryName).register(topic + "-value", record.getSchema());
            ByteBuffer b = ByteBuffer.wrap(raw);
            assertThat(b.get()).as("%s magic byte", topic).isEqualTo((byte) 0);
            assertThat(b.getInt()).as("%s schema id", topic).isEqualTo(registered);

            @SuppressWarnings("unchecked")
            AvroDeserializer<SpecificRecord> deserializer = new AvroDeserializer<>((Class<SpecificRecord>) record.getClass());
            deserializer.configure(cfg, false);
            assertThat(deserializer.deserialize(topic, raw)).as(topic).isEqualTo(record);
        }
    }

    private static byte[] readOne(String topic) {
        Map<String, Object> cfg = new HashMap<>(kafka.clientConfig());
        cfg.put("group.id", "wire-it-" + UUID.randomUUID());
        cfg.put("auto.offset.reset", "earliest");
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(cfg, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            List<ConsumerRecord<byte[], byte[]>> got = new ArrayList<>();
            long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (got.isEmpty() && System.nanoTime() < end) {
                c.poll(Duration.ofMillis(200)).forEach(got::add);
            }
            assertThat(got).as("record on %s", topic).hasSize(1);
            return got.get(0).value();
        }
    }
}
