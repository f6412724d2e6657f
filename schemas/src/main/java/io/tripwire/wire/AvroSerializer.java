package io.tripwire.wire;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes generated Avro records (e.g. {@code RequestLatency}) in the Confluent Schema Registry wire
 * format: {@code 0x00}, the 4-byte big-endian schema id, the Avro binary. The schema is registered
 * under {@code <topic>-value} ({@code <topic>-key} for a key serializer).
 *
 * <p>Configuration, with the keys of Confluent's serde:
 * <ul>
 *   <li>{@code schema.registry.url} (required unless a registry is given to the constructor):
 *       {@code mock://NAME} or {@code http(s)://...}, see {@link SchemaRegistries};</li>
 *   <li>{@code auto.register.schemas} (default {@code true}): when false, nothing is registered;
 *       the id is that of the subject's latest version, which must be the record's schema (compared
 *       by Avro's parsing canonical form, so docs and properties do not matter), else serializing
 *       fails with a message saying so;</li>
 *   <li>{@code basic.auth.user.info}, {@code basic.auth.credentials.source}.</li>
 * </ul>
 * Null serializes to null (a tombstone). Thread-safe once configured, as Kafka requires.
 *
 * @param <T> the generated record class
 */
public class AvroSerializer<T extends SpecificRecord> implements Serializer<T> {

    static {
        // copying a generated record (newBuilder(other)) makes Avro check class trust: see AvroTrust
        AvroTrust.ensure();
    }

    private final SchemaRegistry given;
    private SerdeSettings settings;
    private boolean isKey;
    /** Ids by subject, then schema: one serde may serve several topics (subjects). */
    private final Map<String, Map<Schema, Integer>> ids = new ConcurrentHashMap<>();
    private final Map<Schema, SpecificDatumWriter<T>> writers = new ConcurrentHashMap<>();

    /** For Kafka's instantiation by class name: the registry comes from {@code schema.registry.url}. */
    public AvroSerializer() {
        this(null);
    }

    /** Uses {@code registry} whatever {@code schema.registry.url} says (tests, embedded use). */
    public AvroSerializer(SchemaRegistry registry) {
        this.given = registry;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.settings = SerdeSettings.from(configs, isKey, given);
        this.isKey = isKey;
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        if (settings == null) {
            throw new IllegalStateException("AvroSerializer used before configure(): set schema.registry.url");
        }
        Schema schema = data.getSchema();
        Map<Schema, Integer> bySchema = ids.computeIfAbsent(WireFormat.subject(topic, isKey), s -> new ConcurrentHashMap<>());
        Integer id = bySchema.get(schema);
        if (id == null) {
            // outside computeIfAbsent: the registry call may take a while and must not block other subjects
            id = schemaId(topic, schema);
            bySchema.put(schema, id);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        out.writeBytes(WireFormat.header(id));
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            writer(data).write(data, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException(topic + ": cannot write " + schema.getName() + " as Avro: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    private int schemaId(String topic, Schema schema) {
        String subject = WireFormat.subject(topic, isKey);
        SchemaRegistry registry = settings.registry();
        try {
            if (settings.autoRegister()) {
                return registry.register(subject, schema);
            }
            RegisteredSchema latest = registry.latest(subject);
            if (SchemaNormalization.parsingFingerprint64(latest.schema()) != SchemaNormalization.parsingFingerprint64(schema)) {
                throw new SerializationException(topic + ": auto.register.schemas=false and the latest schema of subject '"
                        + subject + "' (version " + latest.version() + ", id " + latest.id() + ", registry "
                        + registry.location() + ") is not the schema of " + schema.getFullName()
                        + "; register this schema first or enable auto.register.schemas");
            }
            return latest.id();
        } catch (SchemaRegistryException e) {
            String what = settings.autoRegister() ? "cannot register the schema of " + schema.getFullName() + " under subject '" + subject + "'"
                    : "auto.register.schemas=false and subject '" + subject + "' has no schema to use";
            throw new SerializationException(topic + ": " + what + " (registry " + registry.location() + "): " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private SpecificDatumWriter<T> writer(T data) {
        // The writer of the record's own class carries its logical-type conversions (Instant).
        return writers.computeIfAbsent(data.getSchema(), s -> new SpecificDatumWriter<>((Class<T>) data.getClass()));
    }
}
