package io.tripwire.engine.ingest;

import io.tripwire.wire.DecodeException;
import org.apache.avro.specific.SpecificRecord;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The engine's on-ramps for what other tools write (docs/ingest.md): OTLP traces and metrics from
 * the OpenTelemetry Collector and OPA decision-log events, each turned into the engine's own events.
 * One record (or file line) may give several events (a traces request holds many spans), some
 * refused (a span without a tenant) and some skipped (not a SERVER span, not a configured metric).
 */
public final class Ingest {

    /** What one record gave: the events, the parts refused (each with its reason) and the parts skipped. */
    public record Mapped(List<SpecificRecord> events, List<DecodeException> refused, int skipped) {
    }

    /** What a record is, told by where it came from or by its first key. */
    public enum Form { OTLP_TRACES, OTLP_METRICS, OPA_DECISION }

    private final SpanMapping spans;
    private final MetricMapping metrics;
    private final OpaDecisionLog opa;

    public Ingest(IngestSettings settings) {
        this.spans = new SpanMapping(settings);
        this.metrics = new MetricMapping(settings);
        this.opa = new OpaDecisionLog(settings);
    }

    /**
     * The form of a JSON-lines line that is not the engine's own JSON form, or null: a line
     * starting {@code {"resourceSpans"} / {@code {"resourceMetrics"} (the Collector's file exporter)
     * or an object with {@code decision_id} and no {@code type} (an OPA decision-log event).
     */
    public static Form formOfLine(String line) {
        if (OtlpDecoder.isTracesJson(line)) {
            return Form.OTLP_TRACES;
        }
        if (OtlpDecoder.isMetricsJson(line)) {
            return Form.OTLP_METRICS;
        }
        if (line.contains("\"decision_id\"")) { // only such lines pay for a second parse
            try {
                return OpaDecisionLog.isDecisionLog(OpaDecisionLog.parse(line.getBytes(StandardCharsets.UTF_8), "line")) ? Form.OPA_DECISION : null;
            } catch (DecodeException notJson) {
                return null; // the engine's own reader names what is wrong with it
            }
        }
        return null;
    }

    /**
     * Maps one record. A record that does not decode at all throws {@link DecodeException} (reason
     * {@code bad-otlp} or {@code bad-json}); {@code where} names it in every message (topic-partition@offset, or a line).
     */
    public Mapped map(Form form, byte[] value, String where) {
        List<SpecificRecord> events = new ArrayList<>();
        List<DecodeException> refused = new ArrayList<>();
        int skipped = 0;
        switch (form) {
            case OTLP_TRACES -> {
                for (OtlpSpan s : OtlpDecoder.spans(value, where)) {
                    if (!SpanMapping.isRequest(s)) {
                        skipped++;
                        continue;
                    }
                    try {
                        events.add(spans.map(s, where));
                    } catch (DecodeException e) {
                        refused.add(e);
                    }
                }
            }
            case OTLP_METRICS -> {
                for (OtlpPoint p : OtlpDecoder.points(value, where)) {
                    if (!metrics.isRead(p)) {
                        skipped++;
                        continue;
                    }
                    try {
                        events.add(metrics.map(p, where));
                    } catch (DecodeException e) {
                        refused.add(e);
                    }
                }
            }
            case OPA_DECISION -> {
                try {
                    events.add(opa.map(OpaDecisionLog.parse(value, where), where));
                } catch (DecodeException e) {
                    refused.add(e);
                }
            }
            default -> throw new IllegalArgumentException(String.valueOf(form));
        }
        return new Mapped(events, refused, skipped);
    }

    public Mapped map(Form form, String line, String where) {
        return map(form, line.getBytes(StandardCharsets.UTF_8), where);
    }
}
