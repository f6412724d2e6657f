package io.tripwire.wire;

import org.apache.kafka.common.KafkaException;

/**
 * A schema registry refused a request or could not be reached. Carries the HTTP status and the
 * registry's {@code error_code} when it answered (Confluent codes: 40401 subject not found, 40402
 * version not found, 40403 schema not found, 409 incompatible schema, 42201 invalid schema).
 */
public class SchemaRegistryException extends KafkaException {

    /** Status used when the registry did not answer at all. */
    public static final int NO_ANSWER = -1;

    private final int status;
    private final int errorCode;

    /**
     * @param status    HTTP status, or {@link #NO_ANSWER}
     * @param errorCode the registry's {@code error_code}, or 0 when it gave none
     * @param message   what was asked, of which registry, and what it said
     */
    public SchemaRegistryException(int status, int errorCode, String message) {
        this(status, errorCode, message, null);
    }

    /** As {@link #SchemaRegistryException(int, int, String)}, with the underlying cause. */
    public SchemaRegistryException(int status, int errorCode, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.errorCode = errorCode;
    }

    /** The HTTP status of the registry's answer, or {@link #NO_ANSWER}. */
    public int status() {
        return status;
    }

    /** The registry's {@code error_code}, or 0. */
    public int errorCode() {
        return errorCode;
    }

    /** True when the registry said the subject, version or schema id does not exist (HTTP 404). */
    public boolean notFound() {
        return status == 404;
    }
}
