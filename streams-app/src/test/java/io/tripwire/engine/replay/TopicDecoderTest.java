package io.tripwire.engine.replay;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.tripwire.engine.Events;
import io.tripwire.engine.ingest.IngestSettings;
import io.tripwire.engine.ingest.OtelSdk;
import io.tripwire.engine.topology.Ingestion;
import io.tripwire.engine.topology.TopicNames;
import io.tripwire.json.JsonForm;
import io.tripwire.schemas.RequestLatency;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.tripwire.engine.Events.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/**
 * What of an OTLP or OPA record a topic replay keeps (its events by their own time, read within a
 * margin of the window by Kafka timestamp), in what order the events of every topic replay, and
 * what it dead-letters. That the decoding is the live engine's: {@link OnRampReplayTest}.
 */
class TopicDecoderTest {

    private static final String SPANS = "otlp_spans";
    private static final String METRICS = "otlp_metrics";
    private static final String OPA = "opa-decision-logs";
    private static final ReplayTopics TOPICS = new ReplayTopics(TopicNames.DEFAULTS,
            new Ingestion(SPANS, METRICS, OPA, IngestSettings.DEFAULTS, false, 0), Duration.ofMinutes(15));
    private static final TopicDecoder DECODER = new TopicDecoder(TOPICS, Map.of("schema.registry.url", "mock://topic-decoder-test"));
    private static final Instant FROM = at("2025-10-06T10:00:00Z");
    private static final Instant TO = at("2025-10-06T11:00:00Z");
    private static final TopicReplay.Window WINDOW = new TopicReplay.Window(FROM, TO, null);

    private static RequestLatency read(String ts, String tenant) {
        return Events.request(at(ts), tenant, "api", "READ", 200, 80);
    }

    /** One traces export request holding a SERVER span per request. */
    private static byte[] batch(RequestLatency... requests) {
        return OtelSdk.tracesProto(OtelSdk.spans(List.of(requests), Map.of()));
    }

    private static byte[] opa(String decisionId, String tenant, String timestamp) {
        return ("{\"decision_id\":\"" + decisionId + "\",\"path\":\"residency/allow\",\"input\":{\"tenant\":\"" + tenant
                + "\"},\"result\":{\"allow\":false},\"timestamp\":\"" + timestamp + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    private static ConsumerRecord<byte[], byte[]> record(String topic, long offset, Instant kafkaTime, String key, byte[] value) {
        return new ConsumerRecord<>(topic, 0, offset, kafkaTime.toEpochMilli(), TimestampType.CREATE_TIME, 0, value.length,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8), value, new RecordHeaders(), Optional.empty());
    }

    private static List<Instant> times(TopicDecoder.Decoded d) {
        return d.events().stream().map(p -> p.event().ts()).toList();
    }

    @Test
    void aBatchKeepsTheSpansWhoseOwnTimeIsInTheWindowWhateverItsKafkaTimestamp() {
        // sent by the Collector two minutes after the window: its first span is in it, its second not
        TopicDecoder.Decoded late = DECODER.decode(record(SPANS, 0, TO.plusSeconds(120), null,
                batch(read("2025-10-06T10:59:59.999Z", "TENANT_004"), read("2025-10-06T11:00:00Z", "TENANT_004"))), WINDOW);
        // sent by a host whose clock is a minute ahead: stamped before the window, its span at the start of it
        TopicDecoder.Decoded early = DECODER.decode(record(SPANS, 1, FROM.minusSeconds(60), null,
                batch(read("2025-10-06T09:59:59.999Z", "TENANT_004"), read("2025-10-06T10:00:00Z", "TENANT_004"))), WINDOW);

        assertThat(times(late)).containsExactly(at("2025-10-06T10:59:59.999Z"));
        assertThat(times(early)).containsExactly(FROM);
        assertThat(late.refused()).isNull();
        assertThat(late.events().get(0).event().source()).isEqualTo("otlp_spans-0@0");
    }

    @Test
    void theOtlpAndOpaTopicsAreReadFromTheMarginBeforeTheWindowToTheMarginAfterItTheInputTopicsOnTheWindow() {
        byte[] inWindow = batch(read("2025-10-06T10:30:00Z", "TENANT_004"));
        Instant marginStart = FROM.minus(TOPICS.margin());
        Instant marginEnd = TO.plus(TOPICS.margin());

        assertThat(TOPICS.readFrom(SPANS, FROM)).isEqualTo(marginStart.toEpochMilli());
        assertThat(TOPICS.readFrom(OPA, FROM)).isEqualTo(marginStart.toEpochMilli());
        assertThat(TOPICS.readFrom(TopicNames.DEFAULTS.requests(), FROM)).isEqualTo(FROM.toEpochMilli());
        assertThat(TOPICS.readFrom(SPANS, Instant.ofEpochMilli(60_000))).as("no Kafka timestamp before 1970").isZero();
        assertThat(DECODER.decode(record(SPANS, 0, marginStart, null, inWindow), WINDOW).events()).hasSize(1);
        assertThat(DECODER.decode(record(SPANS, 0, marginStart.minusMillis(1), null, inWindow), WINDOW).events()).isEmpty();
        assertThat(DECODER.decode(record(SPANS, 0, marginEnd.minusMillis(1), null, inWindow), WINDOW).events()).hasSize(1);
        assertThat(DECODER.decode(record(SPANS, 0, marginEnd, null, inWindow), WINDOW).events()).isEmpty();
        // an input topic's record is in the window by its Kafka timestamp, whatever its ts
        byte[] json = JsonForm.write(read("2025-10-06T09:00:00Z", "TENANT_004")).getBytes(StandardCharsets.UTF_8);
        assertThat(DECODER.decode(record("request-latency", 0, FROM, "TENANT_004", json), WINDOW).events()).hasSize(1);
        assertThat(DECODER.decode(record("request-latency", 0, TO, "TENANT_004", json), WINDOW).events()).isEmpty();
    }

    @Test
    void withATenantOnlyThatTenantsEventsOfABatchAreKept() {
        TopicReplay.Window t4 = new TopicReplay.Window(FROM, TO, "TENANT_004");
        byte[] mixed = batch(read("2025-10-06T10:00:01Z", "TENANT_004"), read("2025-10-06T10:00:02Z", "TENANT_002"),
                read("2025-10-06T10:00:03Z", "TENANT_004"));

        // the Collector keys by nothing (or the trace id): the tenant is in the spans
        TopicDecoder.Decoded d = DECODER.decode(record(SPANS, 0, FROM.plusSeconds(5), "4bf92f3577b34da6", mixed), t4);

        assertThat(d.events()).extracting(p -> ((RequestLatency) p.event().event()).getTenant()).containsOnly("TENANT_004").hasSize(2);
        assertThat(DECODER.decode(record(OPA, 0, FROM, null, opa("d-1", "TENANT_002", "2025-10-06T10:00:00Z")), t4).events()).isEmpty();
        assertThat(DECODER.decode(record(OPA, 0, FROM, null, opa("d-1", "TENANT_004", "2025-10-06T10:00:00Z")), t4).events()).hasSize(1);
    }

    @Test
    void eventsReplayInTimeOrderAndEqualTimesGoByKindOfEventThenTopicThenPartitionAndOffset() {
        // one batch whose spans are out of time order, an OPA decision, a JSON request and a JSON rollout step
        List<TopicDecoder.Pending> all = new ArrayList<>();
        all.addAll(DECODER.decode(record(OPA, 0, FROM.plusSeconds(90), null, opa("d-1", "TENANT_004", "2025-10-06T10:00:01Z")),
                WINDOW).events());
        all.addAll(DECODER.decode(record(SPANS, 0, FROM.plusSeconds(5), null, batch(read("2025-10-06T10:00:02Z", "TENANT_004"),
                read("2025-10-06T10:00:01Z", "TENANT_004"), read("2025-10-06T10:00:01Z", "TENANT_005"))), WINDOW).events());
        all.addAll(DECODER.decode(record("rollout-steps", 0, at("2025-10-06T10:00:01Z"), "TENANT_004", JsonForm.write(
                Events.rollout(at("2025-10-06T10:00:01Z"), "TENANT_004", 10, 2)).getBytes(StandardCharsets.UTF_8)), WINDOW).events());
        all.addAll(DECODER.decode(record("request-latency", 7, at("2025-10-06T10:00:01Z"), "TENANT_004", JsonForm.write(
                read("2025-10-06T10:00:01Z", "TENANT_004")).getBytes(StandardCharsets.UTF_8)), WINDOW).events());

        all.sort(TopicDecoder.Pending.ORDER);

        // at 10:00:01 the requests first (the JSON topic's, then the spans in their batch's order), the policy
        // decision, then the rollout step: the order of the JSON form's topics, whichever topic carried each event
        assertThat(all).extracting(p -> p.event().ts().toString(), p -> p.event().event().getSchema().getName(), p -> p.event().source())
                .containsExactly(
                        tuple("2025-10-06T10:00:01Z", "RequestLatency", "request-latency-0@7"),
                        tuple("2025-10-06T10:00:01Z", "RequestLatency", "otlp_spans-0@0"),
                        tuple("2025-10-06T10:00:01Z", "RequestLatency", "otlp_spans-0@0"),
                        tuple("2025-10-06T10:00:01Z", "PolicyDecision", "opa-decision-logs-0@0"),
                        tuple("2025-10-06T10:00:01Z", "RolloutStep", "rollout-steps-0@0"),
                        tuple("2025-10-06T10:00:02Z", "RequestLatency", "otlp_spans-0@0"));
        assertThat(all.subList(1, 3)).extracting(p -> ((RequestLatency) p.event().event()).getTenant())
                .as("a batch's events of one time keep the batch's order").containsExactly("TENANT_004", "TENANT_005");
    }

    @Test
    void aRecordThatDoesNotDecodeIsADeadLetterWhenSentInTheWindow() {
        byte[] garbage = {(byte) 0xff, 0x13, 0x37};

        TopicDecoder.Decoded in = DECODER.decode(record(SPANS, 3, FROM, null, garbage), WINDOW);
        TopicDecoder.Decoded margin = DECODER.decode(record(SPANS, 4, FROM.minusMillis(1), null, garbage), WINDOW);

        assertThat(in.events()).isEmpty();
        assertThat(in.refused().deadLetter()).extracting(ReplayOutput.DeadLetter::source, ReplayOutput.DeadLetter::reason,
                ReplayOutput.DeadLetter::raw).containsExactly("otlp_spans-0@3", "bad-otlp", "base64:/xM3");
        assertThat(in.refused().deadLetter().error()).startsWith("otlp_spans-0@3: not an OTLP traces export request");
        assertThat(margin).as("read for its events only: it has none").isEqualTo(TopicDecoder.Decoded.NOTHING);
    }

    @Test
    void aBatchWithARefusedSpanIsOneDeadLetterNamingItAndItsOtherSpansAreCounted() {
        long t = at("2025-10-06T10:00:00Z").toEpochMilli() * 1_000_000L;
        byte[] partly = OtelSdk.tracesProto(List.of(
                OtelSdk.spans(List.of(read("2025-10-06T10:00:01Z", "TENANT_004")), Map.of()).get(0),
                OtelSdk.span(SpanKind.SERVER, Attributes.of(AttributeKey.stringKey("http.request.method"), "GET"), t, t + 1_000_000)));
        TopicReplay.Window t4 = new TopicReplay.Window(FROM, TO, "TENANT_004");
        TopicReplay.Window t2 = new TopicReplay.Window(FROM, TO, "TENANT_002");

        TopicDecoder.Decoded all = DECODER.decode(record(SPANS, 0, FROM.plusSeconds(2), null, partly), WINDOW);
        TopicDecoder.Decoded mine = DECODER.decode(record(SPANS, 0, FROM.plusSeconds(2), null, partly), t4);
        TopicDecoder.Decoded others = DECODER.decode(record(SPANS, 0, FROM.plusSeconds(2), null, partly), t2);

        assertThat(all.events()).hasSize(1);
        assertThat(all.refused().deadLetter().reason()).isEqualTo("missing-field");
        assertThat(all.refused().deadLetter().error()).startsWith("1 of 2 not mapped: otlp_spans-0@0: span ").contains("no tenant_id");
        assertThat(mine.refused()).isEqualTo(all.refused());
        assertThat(others.events()).isEmpty();
        assertThat(others.refused()).as("a record with another tenant's events is that tenant's to show").isNull();
    }

    @Test
    void aTopicIsNamedOnceAndTheMarginIsNotNegative() {
        assertThatThrownBy(() -> new ReplayTopics(TopicNames.DEFAULTS, new Ingestion("request-latency", null, null, IngestSettings.DEFAULTS,
                false, 0), Duration.ZERO)).hasMessageContaining("topic request-latency is named twice");
        assertThatThrownBy(() -> new ReplayTopics(TopicNames.DEFAULTS, Ingestion.DEFAULTS, Duration.ofSeconds(-1)))
                .hasMessageContaining("must not be negative");
        assertThat(TOPICS.topics()).containsExactly("request-latency", "metric-samples", "autonomy-decisions", "policy-decisions",
                "rollout-steps", "hitl-overrides", SPANS, METRICS, OPA);
        assertThat(ReplayTopics.inputsOf(TopicNames.DEFAULTS).topics()).isEqualTo(TopicNames.DEFAULTS.inputs());
        assertThat(TOPICS.describe(WINDOW)).isEqualTo("input topics: record timestamp in [2025-10-06T10:00:00Z, 2025-10-06T11:00:00Z); "
                + "otlp_spans, otlp_metrics, opa-decision-logs: record timestamp in [2025-10-06T09:45:00Z, 2025-10-06T11:15:00Z), "
                + "events whose own time is in the window");
    }
}
