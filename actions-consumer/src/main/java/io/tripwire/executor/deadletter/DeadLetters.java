package io.tripwire.executor.deadletter;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/**
 * Builds dead-letter records the way Kafka Streams does (KIP-1034): the original key and value
 * bytes, the original timestamp and headers, then the error headers of {@link DeadLetterHeaders}.
 */
public final class DeadLetters {

    private final String topic;

    public DeadLetters(String topic) {
        this.topic = topic;
    }

    /** The dead-letter record of {@code source}, refused for {@code reason}. */
    public ProducerRecord<byte[], byte[]> of(ConsumerRecord<byte[], byte[]> source, String reason, Throwable cause) {
        ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(topic, null, source.timestamp(), source.key(), source.value());
        Headers h = out.headers();
        for (Header header : source.headers()) {
            h.add(header);
        }
        StringWriter trace = new StringWriter();
        cause.printStackTrace(new PrintWriter(trace));
        add(h, DeadLetterHeaders.EXCEPTION, cause.getClass().getName());
        add(h, DeadLetterHeaders.MESSAGE, cause.getMessage());
        add(h, DeadLetterHeaders.STACKTRACE, trace.toString());
        add(h, DeadLetterHeaders.TOPIC, source.topic());
        add(h, DeadLetterHeaders.PARTITION, String.valueOf(source.partition()));
        add(h, DeadLetterHeaders.OFFSET, String.valueOf(source.offset()));
        add(h, DeadLetterHeaders.REASON, reason);
        return out;
    }

    private static void add(Headers h, String name, String value) {
        h.add(name, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }
}
