package io.tripwire.executor.deadletter;

/**
 * Header names of dead-letter records: Kafka Streams' own (KIP-1034, constants of
 * {@code org.apache.kafka.streams.errors.internals.ExceptionHandlerUtils} in kafka-streams 4.4),
 * so one tool reads the engine's and the executor's dead letters alike, plus the tripwire reason.
 * Values are UTF-8 text, partition and offset in decimal, as Streams writes them.
 */
public final class DeadLetterHeaders {

    public static final String EXCEPTION = "__streams.errors.exception";
    public static final String STACKTRACE = "__streams.errors.stacktrace";
    public static final String MESSAGE = "__streams.errors.message";
    public static final String TOPIC = "__streams.errors.topic";
    public static final String PARTITION = "__streams.errors.partition";
    public static final String OFFSET = "__streams.errors.offset";
    /** Short machine code of why the record was dead-lettered, e.g. {@code bad-signature}; the same codes as the engine's dead letters. */
    public static final String REASON = "tripwire.reason";

    private DeadLetterHeaders() {
    }
}
