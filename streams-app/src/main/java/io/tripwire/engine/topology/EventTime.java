package io.tripwire.engine.topology;

import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

import java.time.Instant;

/**
 * Event time is the record's {@code ts} field, not the Kafka timestamp: a replay of the same events
 * gives the same decisions whatever time they were produced at.
 */
public final class EventTime implements TimestampExtractor {

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        if (record.value() instanceof GenericRecord g && g.getSchema().getField("ts") != null) {
            Object ts = g.get("ts");
            if (ts instanceof Instant i) {
                try {
                    return i.toEpochMilli();
                } catch (ArithmeticException outOfRange) {
                    // the decoder refuses such times; never let the extractor kill a stream thread
                    return record.timestamp() >= 0 ? record.timestamp() : partitionTime;
                }
            }
            if (ts instanceof Long l) {
                return l;
            }
        }
        // undecodable values reach the dead-letter handler; keep their broker timestamp
        return record.timestamp() >= 0 ? record.timestamp() : partitionTime;
    }
}
