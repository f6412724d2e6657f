package io.tripwire.engine.ingest;

import io.tripwire.wire.DecodeException;
import org.apache.avro.specific.SpecificRecord;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The engine's on-ramps for what other tools write (docs/ingest.md): OTLP traces and metrics from
 * the OpenTelemetry Collector and OPA decision-log events, each turned into the engine's own events.
 * One record (or file line) may give several events (a traces request holds many spans), some
 * refused (a span without a tenant) and some skipped (not a SERVER span, not a configured metric).
 */
public final class Ingest {

    /** What one record gave: the events, the parts refused (each with its reason) and the parts skipped. */
    public record Mapped(List<SpecificRecord> events, List<DecodeException> refused, int skipped) {

        /**
         * The one dead letter the engine writes for a record with refused parts (its mapped parts are
         * still counted): the first part's reason, a message naming every unmapped part; null when
         * nothing was refused. The live engine and topic replay both dead-letter with it, so a
         * replay's dead letter reads as the engine's.
         */
        public DecodeException refusal() {
            if (refused.isEmpty()) {
                return null;
            }
            DecodeException first = refused.get(0);
            return new DecodeException(first.kind(), first.field(), refused.size() + " of " + (events.size() + refused.size())
                    + " not mapped: " + refused.stream().map(Exception::getMessage).collect(Collectors.joining("; ")));
        }
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
        int skipped = switch (form) {
            case OTLP_TRACES -> mapEach(OtlpDecoder.spans(value, where), SpanMapping::isRequest, spans::map, where, events, refused);
            case OTLP_METRICS -> mapEach(OtlpDecoder.points(value, where), metrics::isRead, metrics::map, where, events, refused);
            case OPA_DECISION -> mapEach(List.of(value), v -> true, (v, w) -> opa.map(OpaDecisionLog.parse(v, w), w), where, events, refused);
        };
        return new Mapped(events, refused, skipped);
    }

    /** Maps each wanted item into {@code events}, each refused one into {@code refused}; the count of those not wanted (skipped). */
    private static <T> int mapEach(List<T> items, Predicate<T> wanted, BiFunction<T, String, SpecificRecord> mapper, String where,
                                   List<SpecificRecord> events, List<DecodeException> refused) {
        int skipped = 0;
        for (T item : items) {
            if (!wanted.test(item)) {
                skipped++;
                continue;
            }
            try {
                events.add(mapper.apply(item, where));
            } catch (DecodeException e) {
                refused.add(e);
            }
        }
        return skipped;
    }

    public Mapped map(Form form, String line, String where) {
        return map(form, line.getBytes(StandardCharsets.UTF_8), where);
    }
}
