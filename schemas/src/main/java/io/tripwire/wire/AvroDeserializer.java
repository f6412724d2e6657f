package io.tripwire.wire;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.AvroTypeException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

import java.io.EOFException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads values in the Confluent Schema Registry wire format into generated Avro classes. The writer
 * schema is fetched by the id in the value and resolved against the reader schema (Avro schema
 * resolution), so a record written with an older schema version reads into today's class: fields
 * it lacks get their defaults, fields it has that the class dropped are skipped.
 *
 * <p>What it reads into, first match wins: the class given to the constructor (or the class of the
 * reader schema given to it); the class named by {@code specific.avro.value.type}
 * ({@code specific.avro.key.type} for keys); otherwise the generated class named by the writer
 * schema. Other settings as in {@link AvroSerializer}. Null bytes read as null (a tombstone).
 *
 * <p>Errors: a bad record throws {@link DecodeException} with reason {@code bad-magic-byte},
 * {@code unknown-schema-id}, {@code truncated}, {@code bad-avro} or {@code unknown-enum}. A
 * registry that cannot be reached throws {@link SchemaRegistryException}, which is not a decode
 * error: the record may be fine, so it should not be dead-lettered. Avro's class-trust check is
 * handled here ({@link AvroTrust}). Thread-safe once configured; reader objects are cached per
 * writer schema id.
 *
 * @param <T> the generated record class
 */
public class AvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    static {
        // copying a generated record (newBuilder(other)) makes Avro check class trust: see AvroTrust
        AvroTrust.ensure();
    }

    private final SchemaRegistry given;
    private Class<T> target;
    private SchemaRegistry registry;
    private final Map<Integer, SpecificDatumReader<T>> readers = new ConcurrentHashMap<>();

    /** For Kafka's instantiation by class name; the target class comes from configuration or the writer schema. */
    public AvroDeserializer() {
        this((Class<T>) null, null);
    }

    /** Reads into {@code target}; the registry comes from {@code schema.registry.url}. */
    public AvroDeserializer(Class<T> target) {
        this(target, null);
    }

    /** Reads into {@code target} with {@code registry}, whatever {@code schema.registry.url} says. */
    public AvroDeserializer(Class<T> target, SchemaRegistry registry) {
        AvroTrust.ensure();
        this.target = target;
        this.given = registry;
    }

    /** Reads into the generated class of {@code readerSchema}; the registry comes from {@code schema.registry.url}. */
    public AvroDeserializer(Schema readerSchema) {
        this(readerSchema, null);
    }

    /** Reads into the generated class of {@code readerSchema} with {@code registry}. */
    public AvroDeserializer(Schema readerSchema, SchemaRegistry registry) {
        this(requireClass(readerSchema), registry);
    }

    private static <T> Class<T> requireClass(Schema readerSchema) {
        Class<T> c = classOf(readerSchema);
        if (c == null) {
            throw new IllegalArgumentException(readerSchema.getFullName() + " is not a generated class on the classpath");
        }
        return c;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void configure(Map<String, ?> configs, boolean isKey) {
        AvroTrust.ensure();
        SerdeSettings settings = SerdeSettings.from(configs, isKey, given);
        this.registry = settings.registry();
        if (target == null && settings.valueType() != null) {
            if (!SpecificRecord.class.isAssignableFrom(settings.valueType())) {
                throw new org.apache.kafka.common.config.ConfigException(
                        isKey ? SerdeSettings.SPECIFIC_KEY_TYPE : SerdeSettings.SPECIFIC_VALUE_TYPE,
                        settings.valueType().getName(), "not a generated Avro record class");
            }
            target = (Class<T>) settings.valueType();
        }
    }

    /** The registry in use (after {@link #configure}). */
    public SchemaRegistry registry() {
        return registry;
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (registry == null) {
            throw new IllegalStateException("AvroDeserializer used before configure(): set schema.registry.url");
        }
        int id = WireFormat.schemaId(topic, data);
        SpecificDatumReader<T> reader = readers.computeIfAbsent(id, i -> reader(topic, i));
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, WireFormat.HEADER_SIZE,
                data.length - WireFormat.HEADER_SIZE, null);
        T record;
        try {
            record = reader.read(null, decoder);
        } catch (EOFException e) {
            throw new DecodeException(DecodeException.Reason.TRUNCATED, null, topic + ": value of " + data.length
                    + " bytes ends inside a " + reader.getSchema().getName() + " record (schema id " + id + ")", e);
        } catch (AvroTypeException e) {
            boolean enumMiss = String.valueOf(e.getMessage()).contains("No match for");
            throw new DecodeException(enumMiss ? DecodeException.Reason.UNKNOWN_ENUM : DecodeException.Reason.BAD_AVRO, null,
                    topic + ": schema id " + id + " does not resolve to " + reader.getExpected().getFullName() + ": " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new DecodeException(DecodeException.Reason.BAD_AVRO, null, topic + ": bytes are not a valid "
                    + reader.getSchema().getName() + " record of schema id " + id + ": " + e, e);
        }
        int trailing = remaining(decoder);
        if (trailing > 0) {
            throw new DecodeException(DecodeException.Reason.BAD_AVRO, null, topic + ": " + trailing
                    + " bytes left over after a " + reader.getSchema().getName() + " record of schema id " + id);
        }
        return record;
    }

    private SpecificDatumReader<T> reader(String topic, int id) {
        Schema writer;
        try {
            writer = registry.byId(id);
        } catch (SchemaRegistryException e) {
            if (e.notFound()) {
                throw new DecodeException(DecodeException.Reason.UNKNOWN_SCHEMA_ID, null,
                        topic + ": unknown schema id " + id + " (registry " + registry.location() + ")", e);
            }
            throw e;
        }
        Class<T> into = target != null ? target : classOf(writer);
        if (into == null) {
            throw new DecodeException(DecodeException.Reason.BAD_AVRO, null, topic + ": schema id " + id + " names "
                    + writer.getFullName() + ", which is not a generated class on the classpath");
        }
        SpecificData data = SpecificData.getForClass(into);
        return new SpecificDatumReader<>(writer, data.getSchema(into), data);
    }

    @SuppressWarnings("unchecked")
    private static <T> Class<T> classOf(Schema schema) {
        AvroTrust.ensure();
        try {
            return (Class<T>) SpecificData.get().getClass(schema);
        } catch (AvroRuntimeException | SecurityException e) {
            return null;
        }
    }

    private static int remaining(BinaryDecoder decoder) {
        try {
            int n = 0;
            while (!decoder.isEnd()) {
                decoder.skipFixed(1);
                n++;
            }
            return n;
        } catch (IOException e) {
            return 0;
        }
    }
}
