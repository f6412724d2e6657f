package io.tripwire.engine.topology;

import io.tripwire.wire.DecodeException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.internals.ExceptionHandlerUtils;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Dead-letter records as Kafka Streams builds them (KIP-1034: original key and value bytes,
 * headers {@code __streams.errors.*} with exception, message, topic, partition and offset), plus
 * the header {@value #REASON_HEADER} with a short reason code ({@code late},
 * {@code unknown-schema-id}, {@code invalid-value}, ...). Counts every record by reason.
 */
public final class DeadLetters {

    /** Header with the reason code. */
    public static final String REASON_HEADER = "tripwire.reason";

    private static final long FUTURE_LIMIT_MS = 10 * 60_000L;
    private static final Map<String, LongAdder> COUNTS = new ConcurrentHashMap<>();
    private static volatile java.util.function.Consumer<String> listener = reason -> { };

    private DeadLetters() {
    }

    /** The reason code of an exception. */
    public static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof DecodeException d) {
                return d.reason();
            }
            if (t instanceof LateEventException l) {
                return l.reason();
            }
            if (t instanceof RefusedOverrideException r) {
                return r.reason();
            }
        }
        return "processing-error";
    }

    static String topic(Map<String, ?> configs) {
        Object t = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        return t == null ? null : t.toString();
    }

    /** The dead-letter record of a failed input record, or none when no dead-letter topic is set. */
    static List<ProducerRecord<byte[], byte[]>> records(String dlqTopic, ErrorHandlerContext ctx, Exception e) {
        String reason = reason(e);
        COUNTS.computeIfAbsent(reason, r -> new LongAdder()).increment();
        listener.accept(reason);
        if (dlqTopic == null) {
            return List.of();
        }
        ProducerRecord<byte[], byte[]> r;
        // keep the source timestamp (KIP-1034) unless the broker would refuse it: negative, or further ahead
        // of now than brokers accept (log.message.timestamp.after.max.ms, 1 h by default) - the write would
        // abort the transaction and kill the stream thread, for a record the engine is only rejecting
        long ts = ctx.timestamp();
        if (ts >= 0 && ts <= System.currentTimeMillis() + FUTURE_LIMIT_MS) {
            r = ExceptionHandlerUtils.buildDeadLetterQueueRecord(dlqTopic, ctx.sourceRawKey(), ctx.sourceRawValue(), ctx, e);
        } else {
            r = withoutTimestamp(dlqTopic, ctx, e);
        }
        r.headers().add(REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        return List.of(r);
    }

    /** The same record Kafka Streams builds (same headers), without the source timestamp (the broker sets it). */
    private static ProducerRecord<byte[], byte[]> withoutTimestamp(String dlqTopic, ErrorHandlerContext ctx, Exception e) {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(dlqTopic, null, null, ctx.sourceRawKey(), ctx.sourceRawValue());
        java.io.StringWriter trace = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(trace));
        r.headers().add(ExceptionHandlerUtils.HEADER_ERRORS_EXCEPTION_NAME, e.getClass().getName().getBytes(StandardCharsets.UTF_8));
        r.headers().add(ExceptionHandlerUtils.HEADER_ERRORS_EXCEPTION_MESSAGE_NAME,
                String.valueOf(e.getMessage()).getBytes(StandardCharsets.UTF_8));
        r.headers().add(ExceptionHandlerUtils.HEADER_ERRORS_STACKTRACE_NAME, trace.toString().getBytes(StandardCharsets.UTF_8));
        r.headers().add(ExceptionHandlerUtils.HEADER_ERRORS_TOPIC_NAME, String.valueOf(ctx.topic()).getBytes(StandardCharsets.UTF_8));
        r.headers().add(ExceptionHandlerUtils.HEADER_ERRORS_PARTITION_NAME, Integer.toString(ctx.partition()).getBytes(StandardCharsets.UTF_8));
        r.headers().add(ExceptionHandlerUtils.HEADER_ERRORS_OFFSET_NAME, Long.toString(ctx.offset()).getBytes(StandardCharsets.UTF_8));
        return r;
    }

    /**
     * Told the reason of every dead-lettered input record (the handlers are made by Kafka Streams
     * from class names, so this is the one place to hook metrics in).
     */
    public static void onDeadLetter(java.util.function.Consumer<String> l) {
        listener = l;
    }

    /** Dead-lettered records so far in this JVM, by reason. */
    public static Map<String, Long> counts() {
        Map<String, Long> out = new java.util.TreeMap<>();
        COUNTS.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
