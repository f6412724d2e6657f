package io.tripwire.wire;

import java.nio.ByteBuffer;

/**
 * The Confluent Schema Registry wire format: byte 0 is the magic byte {@code 0x00}, bytes 1..4 the
 * schema id (big-endian), then the Avro binary encoding of the record with that schema.
 */
public final class WireFormat {

    /** Byte 0 of every value. */
    public static final byte MAGIC_BYTE = 0x0;
    /** Magic byte plus schema id. */
    public static final int HEADER_SIZE = 5;

    private WireFormat() {
    }

    /** The subject a topic's values (or keys) are registered under: {@code <topic>-value} / {@code <topic>-key}. */
    public static String subject(String topic, boolean isKey) {
        return topic + (isKey ? "-key" : "-value");
    }

    /**
     * The schema id of a value, after checking the header.
     *
     * @throws DecodeException {@code truncated} when the value is shorter than the header,
     *                         {@code bad-magic-byte} when byte 0 is not 0x00
     */
    public static int schemaId(String topic, byte[] value) {
        if (value.length < 1) {
            throw new DecodeException(DecodeException.Reason.TRUNCATED, null, topic + ": empty value, expected at least "
                    + HEADER_SIZE + " bytes (magic byte and schema id)");
        }
        if (value[0] != MAGIC_BYTE) {
            throw new DecodeException(DecodeException.Reason.BAD_MAGIC_BYTE, null,
                    String.format("%s: wrong magic byte 0x%02x, expected 0x00 (not a Schema Registry Avro value)", topic, value[0]));
        }
        if (value.length < HEADER_SIZE) {
            throw new DecodeException(DecodeException.Reason.TRUNCATED, null, topic + ": value of " + value.length
                    + " bytes ends inside the schema id (header is " + HEADER_SIZE + " bytes)");
        }
        return ByteBuffer.wrap(value, 1, 4).getInt();
    }

    /** The 5-byte header for {@code schemaId}. */
    public static byte[] header(int schemaId) {
        return ByteBuffer.allocate(HEADER_SIZE).put(MAGIC_BYTE).putInt(schemaId).array();
    }
}
