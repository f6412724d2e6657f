package io.tripwire.engine.topology;

import io.tripwire.engine.ingest.IngestSettings;

/**
 * What the engine reads besides its six input topics, and how it treats records keyed by something
 * other than their tenant (docs/ingest.md).
 *
 * @param otlpSpans   topic of the OpenTelemetry Collector's kafka exporter for traces, or null (off)
 * @param otlpMetrics its topic for metrics, or null (off)
 * @param opaDecisions topic of OPA decision-log events, one per record, or null (off)
 * @param mapping     which attributes and fields carry what
 * @param strictKeys  a record of an input topic keyed by anything but its tenant goes to the
 *                    dead-letter topic (reason {@code key-mismatch}) instead of being re-keyed
 * @param partitions  partitions of the re-keying topic: those of the input topics (0: Kafka Streams decides, for tests)
 */
public record Ingestion(String otlpSpans, String otlpMetrics, String opaDecisions, IngestSettings mapping, boolean strictKeys,
                        int partitions) {

    /** No other sources; mis-keyed records are re-keyed. */
    public static final Ingestion DEFAULTS = new Ingestion(null, null, null, IngestSettings.DEFAULTS, false, 0);

    public Ingestion withPartitions(int n) {
        return new Ingestion(otlpSpans, otlpMetrics, opaDecisions, mapping, strictKeys, n);
    }
}
