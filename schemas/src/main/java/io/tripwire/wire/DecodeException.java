package io.tripwire.wire;

import org.apache.kafka.common.errors.SerializationException;

/**
 * The one error a reader of tripwire events throws: the bytes or the JSON line could not be turned
 * into a valid record. {@link #reason()} is a short machine code (use it as the dead-letter
 * reason); {@link #field()} names the offending field when there is one; the message says, for a
 * human, which topic and field and what was wrong, e.g.
 * {@code request-latency: unknown schema id 42 (registry mock://demo)}.
 *
 * <p>It extends Kafka's {@link SerializationException}, so Kafka Streams' deserialization exception
 * handler sees it like any other bad record and can dead-letter it.
 */
public class DecodeException extends SerializationException {

    /** Why a record was refused. {@link #code()} is the text written into dead-letter headers. */
    public enum Reason {
        /** Byte 0 of an Avro value is not the Confluent magic byte 0x00. */
        BAD_MAGIC_BYTE("bad-magic-byte"),
        /** The schema id in the value is not known to the schema registry. */
        UNKNOWN_SCHEMA_ID("unknown-schema-id"),
        /** The value ends before the record does. */
        TRUNCATED("truncated"),
        /** The Avro binary does not decode with its writer schema (or cannot be resolved to the reader). */
        BAD_AVRO("bad-avro"),
        /** The JSON text does not parse, or is not an object. */
        BAD_JSON("bad-json"),
        /** A required field is absent or null. */
        MISSING_FIELD("missing-field"),
        /** A field has the wrong JSON type (e.g. a string where a number is expected). */
        WRONG_TYPE("wrong-type"),
        /** A field has a value outside its rules (negative latency, status 42, blank tenant, ...). */
        INVALID_VALUE("invalid-value"),
        /** An enum field holds a symbol the schema does not know. */
        UNKNOWN_ENUM("unknown-enum"),
        /** {@code ts} is neither ISO-8601 UTC nor epoch milliseconds. */
        BAD_TIMESTAMP("bad-timestamp"),
        /** A JSON value names a {@code type} other than the kind its topic carries. */
        WRONG_TYPE_FOR_TOPIC("wrong-type-for-topic"),
        /** An OpenTelemetry (OTLP) record does not decode as an export request of its signal. */
        BAD_OTLP("bad-otlp"),
        /** The record's key is not the tenant in its value, and strict keys are on. */
        KEY_MISMATCH("key-mismatch");

        private final String code;

        Reason(String code) {
            this.code = code;
        }

        /** The short machine code, e.g. {@code unknown-schema-id}. */
        public String code() {
            return code;
        }

        @Override
        public String toString() {
            return code;
        }
    }

    private final Reason reason;
    private final String field;

    /**
     * @param reason  why the record was refused
     * @param field   the offending field, or null when the whole record is bad
     * @param message a human message naming topic, field and what was wrong
     */
    public DecodeException(Reason reason, String field, String message) {
        this(reason, field, message, null);
    }

    /** As {@link #DecodeException(Reason, String, String)}, with the underlying cause. */
    public DecodeException(Reason reason, String field, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.field = field;
    }

    /** The short machine code of the reason, e.g. {@code missing-field}: use it as the dead-letter reason. */
    public String reason() {
        return reason.code();
    }

    /** The reason as an enum constant, for code that switches on it. */
    public Reason kind() {
        return reason;
    }

    /** The offending field, e.g. {@code latencyMs}; null when the record as a whole is bad. */
    public String field() {
        return field;
    }

    /**
     * The same error with {@code topic: } in front of the message, for readers that learn the topic
     * only after the error was raised (a JSON value parsed without knowing where it came from).
     */
    public DecodeException inTopic(String topic) {
        if (topic == null || getMessage().startsWith(topic + ": ")) {
            return this;
        }
        return new DecodeException(reason, field, topic + ": " + getMessage(), getCause() == null ? this : getCause());
    }
}
