package io.tripwire.engine.replay;

import io.tripwire.engine.ingest.Ingest;
import io.tripwire.engine.topology.Ingestion;
import io.tripwire.engine.topology.TopicNames;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a topic replay reads: every topic the engine reads. That is the six input topics of
 * {@code names} and the OTLP and OPA topics of {@code ingestion} (its on-ramps, decoded with its
 * mapping: docs/ingest.md), so that a team whose spans come from the Collector replays its
 * incident whole.
 *
 * <p>The input topics are read by Kafka timestamp in the window, as records stamped with their
 * event time are. A record of an OTLP or OPA topic is a batch stamped when it was sent: the
 * Collector's export of spans that ended earlier, OPA's upload of decisions made up to minutes
 * before (its default upload delay is 5 to 10 minutes). So those topics are read by Kafka timestamp
 * from {@code margin} before the window to {@code margin} after it, and each event is kept by its
 * own time. An event whose record reached Kafka more than {@code margin} after it (or before it,
 * by clock skew) is not read.
 *
 * @param names     the six input topics (and the output topics, which a replay does not read)
 * @param ingestion the OTLP and OPA topics, each null when the engine reads none, and their mapping
 * @param margin    how far around the window the OTLP and OPA topics are read, by Kafka timestamp
 */
public record ReplayTopics(TopicNames names, Ingestion ingestion, Duration margin) {

    /** Covers OPA's default upload delay (up to 10 minutes) and the Collector's default retries (up to 5). */
    public static final Duration DEFAULT_MARGIN = Duration.ofMinutes(15);

    public ReplayTopics {
        if (margin.isNegative()) {
            throw new IllegalArgumentException("the margin around the window must not be negative, got " + margin);
        }
        Map<String, String> seen = new LinkedHashMap<>();
        names.inputs().forEach(t -> seen.put(t, "an input topic"));
        for (Map.Entry<String, Ingest.Form> e : onRamps(ingestion).entrySet()) {
            String before = seen.putIfAbsent(e.getKey(), e.getValue().name());
            if (before != null) {
                throw new IllegalArgumentException("topic " + e.getKey() + " is named twice (" + before + " and " + e.getValue()
                        + "); every topic carries one kind of record");
            }
        }
    }

    /** The six input topics of {@code names} only. */
    public static ReplayTopics inputsOf(TopicNames names) {
        return new ReplayTopics(names, Ingestion.DEFAULTS, DEFAULT_MARGIN);
    }

    /** Every topic to read: the input topics in {@link TopicNames#inputs()} order, then the OTLP spans, metrics and OPA topics the engine reads. */
    public List<String> topics() {
        List<String> all = new ArrayList<>(names.inputs());
        all.addAll(onRamps().keySet());
        return all;
    }

    /** The OTLP and OPA topics read, each with the form of its records (spans, metrics, OPA decisions), in that order. */
    public Map<String, Ingest.Form> onRamps() {
        return onRamps(ingestion);
    }

    private static Map<String, Ingest.Form> onRamps(Ingestion ingestion) {
        Map<String, Ingest.Form> out = new LinkedHashMap<>();
        put(out, ingestion.otlpSpans(), Ingest.Form.OTLP_TRACES);
        put(out, ingestion.otlpMetrics(), Ingest.Form.OTLP_METRICS);
        put(out, ingestion.opaDecisions(), Ingest.Form.OPA_DECISION);
        return out;
    }

    private static void put(Map<String, Ingest.Form> out, String topic, Ingest.Form form) {
        if (topic != null && !topic.isBlank()) {
            out.put(topic, form);
        }
    }

    /** The Kafka timestamp a read of {@code topic} starts at: the window's start, or {@code margin} before it for an OTLP or OPA topic. */
    long readFrom(String topic, Instant from) {
        if (!onRamps().containsKey(topic)) {
            return from.toEpochMilli();
        }
        return Math.max(0, from.toEpochMilli() - margin.toMillis()); // Kafka has no timestamps before 1970
    }

    /** What is read, in a sentence for a summary line or an evidence manifest. */
    public String describe(TopicReplay.Window window) {
        String inputs = "input topics: record timestamp in [" + window.from() + ", " + window.to() + ")"
                + (window.tenant() == null ? "" : ", key " + window.tenant());
        if (onRamps().isEmpty()) {
            return inputs;
        }
        return inputs + "; " + String.join(", ", onRamps().keySet()) + ": record timestamp in [" + window.from().minus(margin) + ", "
                + window.to().plus(margin) + "), events whose own time is in the window"
                + (window.tenant() == null ? "" : " and whose tenant is " + window.tenant());
    }
}
