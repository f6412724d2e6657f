package io.tripwire.executor.deadletter;

import io.tripwire.executor.trust.Rejection;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.streams.errors.internals.ExceptionHandlerUtils;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class DeadLettersTest {

    @Test
    void usesKafkaStreamsOwnDeadLetterHeaderNames() {
        assertThat(DeadLetterHeaders.EXCEPTION).isEqualTo(ExceptionHandlerUtils.HEADER_ERRORS_EXCEPTION_NAME);
        assertThat(DeadLetterHeaders.MESSAGE).isEqualTo(ExceptionHandlerUtils.HEADER_ERRORS_EXCEPTION_MESSAGE_NAME);
        assertThat(DeadLetterHeaders.STACKTRACE).isEqualTo(ExceptionHandlerUtils.HEADER_ERRORS_STACKTRACE_NAME);
        assertThat(DeadLetterHeaders.TOPIC).isEqualTo(ExceptionHandlerUtils.HEADER_ERRORS_TOPIC_NAME);
        assertThat(DeadLetterHeaders.PARTITION).isEqualTo(ExceptionHandlerUtils.HEADER_ERRORS_PARTITION_NAME);
        assertThat(DeadLetterHeaders.OFFSET).isEqualTo(ExceptionHandlerUtils.HEADER_ERRORS_OFFSET_NAME);
    }

    @Test
    void keepsTheOriginalBytesTimestampAndHeadersAndAddsTheReason() {
        RecordHeaders original = new RecordHeaders();
        original.add("traceparent", "00-abc".getBytes(StandardCharsets.UTF_8));
        ConsumerRecord<byte[], byte[]> source = new ConsumerRecord<>("tripwire-actions", 2, 41L, 1_700_000_000_000L,
                TimestampType.CREATE_TIME, 10, 3, "T".getBytes(StandardCharsets.UTF_8), new byte[]{0, 0, 0, 0, 7, 1, 2},
                original, Optional.empty());
        Rejection r = new Rejection("bad-signature", "forged");

        ProducerRecord<byte[], byte[]> dl = new DeadLetters("tripwire-dead-letter").of(source, r.reason(), r.asException());

        assertThat(dl.topic()).isEqualTo("tripwire-dead-letter");
        assertThat(dl.key()).isEqualTo(source.key());
        assertThat(dl.value()).isEqualTo(source.value());
        assertThat(dl.timestamp()).isEqualTo(1_700_000_000_000L);
        assertThat(text(dl, "traceparent")).isEqualTo("00-abc");
        assertThat(text(dl, DeadLetterHeaders.REASON)).isEqualTo("bad-signature");
        assertThat(text(dl, DeadLetterHeaders.EXCEPTION)).isEqualTo("io.tripwire.executor.trust.UntrustedActionException");
        assertThat(text(dl, DeadLetterHeaders.MESSAGE)).isEqualTo("bad-signature: forged");
        assertThat(text(dl, DeadLetterHeaders.TOPIC)).isEqualTo("tripwire-actions");
        assertThat(text(dl, DeadLetterHeaders.PARTITION)).isEqualTo("2");
        assertThat(text(dl, DeadLetterHeaders.OFFSET)).isEqualTo("41");
        assertThat(text(dl, DeadLetterHeaders.STACKTRACE)).startsWith("io.tripwire.executor.trust.UntrustedActionException");
    }

    private static String text(ProducerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
