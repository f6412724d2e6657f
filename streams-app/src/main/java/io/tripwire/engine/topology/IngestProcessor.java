package io.tripwire.engine.topology;

import io.tripwire.engine.ingest.Ingest;
import io.tripwire.wire.DecodeException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;


/**
 * Turns one record of an OTLP or OPA topic into engine events keyed by their tenant (on their way
 * to the re-keying topic). A record that does not decode, or one with parts that cannot be mapped
 * (a span without a tenant, a decision without a result), goes to the dead-letter topic with the
 * reason and every unmapped part named; its mapped parts are still counted.
 */
final class IngestProcessor implements Processor<byte[], byte[], String, SpecificRecord> {

    private final Ingest ingest;
    private final Ingest.Form form;
    private final EngineObserver observer;
    private ProcessorContext<String, SpecificRecord> context;

    IngestProcessor(Ingest ingest, Ingest.Form form, EngineObserver observer) {
        this.ingest = ingest;
        this.form = form;
        this.observer = observer;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        if (record.value() == null) {
            return; // a tombstone carries nothing
        }
        String where = context.recordMetadata().map(IngestProcessor::where).orElse(form.name());
        Ingest.Mapped m = ingest.map(form, record.value(), where); // throws for a record that does not decode
        for (SpecificRecord e : m.events()) {
            context.forward(new Record<>(TripwireTopology.tenantOf(e), e, record.timestamp()));
        }
        if (m.skipped() > 0) {
            observer.skipped(form.name(), m.skipped());
        }
        DecodeException refusal = m.refusal();
        if (refusal != null) {
            throw refusal;
        }
    }

    private static String where(RecordMetadata md) {
        return md.topic() + "-" + md.partition() + "@" + md.offset();
    }
}
