package io.tripwire.wire;

import io.tripwire.json.JsonForm;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * Reads an input topic (SPEC section 1) whose values may be either form, decided per record:
 * <ul>
 *   <li>a value whose first non-whitespace byte is <code>&#123;</code> is the JSON form of SPEC section 2
 *       ({@link JsonForm#parse}); {@code type} may be absent, and when present must name this
 *       topic's kind (else reason {@code wrong-type-for-topic});</li>
 *   <li>anything else is the Schema Registry Avro wire format ({@link AvroDeserializer}).</li>
 * </ul>
 * Either way the record is then checked by {@link EventValidation}, so a negative latency is refused
 * whether it came as Avro or JSON. Null bytes read as null (a tombstone; the engine ignores them).
 * Every bad record throws {@link DecodeException} whose message starts with the topic.
 * Configuration as for {@link AvroDeserializer}; a JSON-only topic still needs
 * {@code schema.registry.url} (use {@code mock://NAME} when no registry exists).
 *
 * @param <T> the generated record class of the topic
 */
public class InputDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    static {
        // copying a generated record (newBuilder(other)) makes Avro check class trust: see AvroTrust
        AvroTrust.ensure();
    }

    private final Class<T> type;
    private final AvroDeserializer<T> avro;

    /** Reads {@code type}; the registry comes from {@code schema.registry.url}. */
    public InputDeserializer(Class<T> type) {
        this(type, null);
    }

    /** Reads {@code type} with {@code registry}, whatever {@code schema.registry.url} says. */
    public InputDeserializer(Class<T> type, SchemaRegistry registry) {
        this.type = type;
        this.avro = new AvroDeserializer<>(type, registry);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        avro.configure(configs, isKey);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            if (isJson(data)) {
                return JsonForm.parse(utf8(topic, data), type);
            }
            return EventValidation.validate(avro.deserialize(topic, data));
        } catch (DecodeException e) {
            throw e.inTopic(topic);
        }
    }

    private static boolean isJson(byte[] data) {
        int i = 0;
        if (data.length >= 3 && (data[0] & 0xff) == 0xef && (data[1] & 0xff) == 0xbb && (data[2] & 0xff) == 0xbf) {
            i = 3; // a UTF-8 byte-order mark, as some log shippers write
        }
        for (; i < data.length; i++) {
            byte b = data[i];
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return b == '{';
            }
        }
        return false;
    }

    private static String utf8(String topic, byte[] data) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data)).toString().replace("\uFEFF", "");
        } catch (CharacterCodingException e) {
            throw new DecodeException(DecodeException.Reason.BAD_JSON, null, topic + ": JSON value is not valid UTF-8", e);
        }
    }
}
