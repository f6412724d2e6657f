package io.tripwire.wire;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import java.util.Map;

/**
 * Configured value serdes of the generated records, for Kafka clients and Kafka Streams:
 * <pre>{@code
 * Map<String, Object> cfg = Map.of("schema.registry.url", "mock://demo");
 * Serde<RequestLatency> avro  = AvroSerdes.serde(RequestLatency.class, cfg);  // output / internal topics
 * Serde<RequestLatency> input = AvroSerdes.input(RequestLatency.class, cfg);  // Avro or JSON per record
 * }</pre>
 * Both write Avro in the Schema Registry wire format ({@link AvroSerializer}).
 */
public final class AvroSerdes {

    static {
        // copying a generated record (newBuilder(other)) makes Avro check class trust: see AvroTrust
        AvroTrust.ensure();
    }

    private AvroSerdes() {
    }

    /** Avro both ways ({@link AvroSerializer}, {@link AvroDeserializer}), configured as a value serde. */
    public static <T extends SpecificRecord> Serde<T> serde(Class<T> type, Map<String, ?> configs) {
        return configured(new AvroSerializer<>(), new AvroDeserializer<>(type), configs);
    }

    /** As {@link #serde(Class, Map)} with {@code registry}, whatever {@code schema.registry.url} says. */
    public static <T extends SpecificRecord> Serde<T> serde(Class<T> type, SchemaRegistry registry, Map<String, ?> configs) {
        return configured(new AvroSerializer<>(registry), new AvroDeserializer<>(type, registry), configs);
    }

    /** For input topics: writes Avro, reads Avro or JSON per record ({@link InputDeserializer}). */
    public static <T extends SpecificRecord> Serde<T> input(Class<T> type, Map<String, ?> configs) {
        return configured(new AvroSerializer<>(), new InputDeserializer<>(type), configs);
    }

    /** As {@link #input(Class, Map)} with {@code registry}, whatever {@code schema.registry.url} says. */
    public static <T extends SpecificRecord> Serde<T> input(Class<T> type, SchemaRegistry registry, Map<String, ?> configs) {
        return configured(new AvroSerializer<>(registry), new InputDeserializer<>(type, registry), configs);
    }

    private static <T> Serde<T> configured(org.apache.kafka.common.serialization.Serializer<T> serializer,
                                           org.apache.kafka.common.serialization.Deserializer<T> deserializer,
                                           Map<String, ?> configs) {
        Serde<T> serde = Serdes.serdeFrom(serializer, deserializer);
        serde.configure(configs, false);
        return serde;
    }
}
