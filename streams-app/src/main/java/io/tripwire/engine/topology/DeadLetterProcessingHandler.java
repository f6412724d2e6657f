package io.tripwire.engine.topology;

import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * Late events (thrown as {@link LateEventException} before any state changes) and processing
 * errors go to the dead-letter topic; the engine goes on.
 */
public final class DeadLetterProcessingHandler implements ProcessingExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProcessingHandler.class);
    private String dlqTopic;

    @Override
    public void configure(Map<String, ?> configs) {
        dlqTopic = DeadLetters.topic(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext ctx, Record<?, ?> record, Exception e) {
        if (e instanceof LateEventException) {
            LOG.debug("late event {}-{}@{}: {}", ctx.topic(), ctx.partition(), ctx.offset(), e.getMessage());
        } else {
            LOG.warn("processing error on {}-{}@{}, dead-lettered", ctx.topic(), ctx.partition(), ctx.offset(), e);
        }
        return Response.resume(DeadLetters.records(dlqTopic, ctx, e));
    }
}
