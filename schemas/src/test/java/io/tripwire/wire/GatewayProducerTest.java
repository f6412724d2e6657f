package io.tripwire.wire;

import io.tripwire.schemas.RequestLatency;
import io.tripwire.testing.SampleRecords;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The README's producer set-up: Kafka builds the serde from its class name and the properties. */
class GatewayProducerTest {

    private static Properties producerProps() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroSerializer.class);
        return p;
    }

    @Test
    void kafkaClientsBuildTheSerdesFromTheirClassNames() {
        // given
        Properties producer = producerProps();
        producer.put("schema.registry.url", "mock://gateway-test");
        Properties consumer = new Properties();
        consumer.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        consumer.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        consumer.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, AvroDeserializer.class.getName());
        consumer.put("schema.registry.url", "mock://gateway-test");
        consumer.put("specific.avro.value.type", RequestLatency.class.getName());

        // when / then: no broker is needed to build them
        new KafkaProducer<String, RequestLatency>(producer).close();
        new KafkaConsumer<String, RequestLatency>(consumer).close();
        MockSchemaRegistry.drop("gateway-test");
    }

    @Test
    void aProducerWithoutRegistryUrlFailsAtStartWithTheReason() {
        assertThatThrownBy(() -> new KafkaProducer<String, RequestLatency>(producerProps()))
                .isInstanceOf(KafkaException.class)
                .hasRootCauseInstanceOf(ConfigException.class)
                .rootCause().hasMessageContaining("'schema.registry.url' is not set");
    }

    @Test
    void theReadmeRecordPassesTheValueRules() {
        // keeps the README example honest about the builder it shows
        RequestLatency r = RequestLatency.newBuilder()
                .setTs(SampleRecords.T0).setTenant("TENANT_004").setService("api").setOp(io.tripwire.schemas.Op.READ)
                .setStatus(200).setLatencyMs(212.5).setRoute("/graphql").build();
        org.assertj.core.api.Assertions.assertThat(EventValidation.validate(r)).isSameAs(r);
    }
}
