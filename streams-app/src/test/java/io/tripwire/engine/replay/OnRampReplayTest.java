package io.tripwire.engine.replay;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.tripwire.engine.Engines;
import io.tripwire.engine.ingest.IngestSettings;
import io.tripwire.engine.ingest.OtelSdk;
import io.tripwire.engine.rules.Rules;
import io.tripwire.engine.topology.DeadLetters;
import io.tripwire.engine.topology.EngineObserver;
import io.tripwire.engine.topology.EngineTopics;
import io.tripwire.engine.topology.Ingestion;
import io.tripwire.engine.topology.StreamsSettings;
import io.tripwire.engine.topology.TopicNames;
import io.tripwire.engine.topology.TripwireTopology;
import io.tripwire.json.JsonForm;
import io.tripwire.schemas.MetricSample;
import io.tripwire.schemas.PolicyDecision;
import io.tripwire.schemas.RequestLatency;
import io.tripwire.schemas.TripwireAction;
import io.tripwire.signing.ActionSigner;
import io.tripwire.wire.MockSchemaRegistry;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static io.tripwire.engine.Events.at;
import static io.tripwire.engine.Events.metric;
import static io.tripwire.engine.Events.policy;
import static io.tripwire.engine.Events.requests;
import static io.tripwire.engine.Events.rollout;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One decoding path: the records of an incident on the OTLP and OPA topics (and bad ones), run
 * through the live engine's topology (its decode step, re-keying and dead-letter handlers, in
 * {@link TopologyTestDriver}) and through topic replay's {@link TopicDecoder}, give the same
 * actions and the same dead letters, with the same reasons and messages.
 */
class OnRampReplayTest {

    private static final String SPANS = "otlp_spans";
    private static final String METRICS = "otlp_metrics";
    private static final String OPA = "opa-decision-logs";
    private static final TopicNames NAMES = TopicNames.DEFAULTS;
    private static final Ingestion INGESTION = new Ingestion(SPANS, METRICS, OPA, IngestSettings.DEFAULTS, false, 0);
    /** The Collector and OPA send a while after the events: the records' Kafka timestamps. */
    private static final Duration SENT_AFTER = Duration.ofSeconds(5);

    /** A record as a producer wrote it: topic, key, value, Kafka timestamp. */
    private record Sent(String topic, String key, byte[] value, Instant timestamp) {
    }

    /**
     * TENANT_004's rollout step (JSON), then its budget burnt by 4 errors among 1,004 requests (OTLP
     * spans) while db-2 lags (OTLP gauges); TENANT_005 denied by OPA. Among them: bytes that are not
     * OTLP, a batch with a span without a tenant, an OPA event without a result.
     */
    private static List<Sent> incident() {
        List<SpecificRecord> events = new ArrayList<>();
        events.addAll(requests(at("2025-10-06T10:00:00Z"), Duration.ofSeconds(100), 1000, "TENANT_004", "api", "READ", 0, 80));
        events.addAll(requests(at("2025-10-06T10:02:00Z"), Duration.ofSeconds(4), 4, "TENANT_004", "api", "READ", 1, 80));
        for (int i = 0; i <= 10; i++) {
            events.add(metric(at("2025-10-06T10:00:00Z").plusSeconds(30L * i), "TENANT_004", "pg_replica_lag_seconds", 72.0,
                    Map.of("replica", "db-2")));
        }
        events.add(policy(at("2025-10-06T10:01:00Z"), "TENANT_005", "ing-9", "DENY", "residency"));
        events.sort(java.util.Comparator.comparing(e -> (Instant) e.get(e.getSchema().getField("ts").pos())));

        List<Sent> out = new ArrayList<>();
        out.add(new Sent(NAMES.rollout(), "TENANT_004", json(rollout(at("2025-10-06T09:59:00Z"), "TENANT_004", 10, 2)),
                at("2025-10-06T09:59:00Z")));
        List<RequestLatency> batch = new ArrayList<>();
        for (SpecificRecord e : events) {
            Instant ts = (Instant) e.get(e.getSchema().getField("ts").pos());
            if (e instanceof RequestLatency r && batch.size() < 50) {
                batch.add(r);
                continue;
            }
            flush(batch, out);
            if (e instanceof RequestLatency r) {
                batch.add(r);
            } else if (e instanceof MetricSample m) {
                out.add(new Sent(METRICS, null, OtelSdk.metricsProto(OtelSdk.gauges(List.of(m))), ts.plus(SENT_AFTER)));
            } else if (e instanceof PolicyDecision p) {
                out.add(new Sent(OPA, null, opa(p.getOpId(), p.getTenant(), "{\"allow\":false}", ts), ts.plus(SENT_AFTER)));
            }
            if (ts.equals(at("2025-10-06T10:01:00Z")) && e instanceof PolicyDecision) {
                out.add(new Sent(SPANS, null, new byte[] {(byte) 0xff, 0x13, 0x37}, ts.plus(SENT_AFTER)));
                out.add(new Sent(SPANS, null, partlyTenantless(at("2025-10-06T10:01:00.050Z")), ts.plus(SENT_AFTER)));
                out.add(new Sent(OPA, null, opa("d-7", "TENANT_005", null, ts), ts.plus(SENT_AFTER)));
            }
        }
        flush(batch, out);
        return out;
    }

    private static void flush(List<RequestLatency> batch, List<Sent> out) {
        if (!batch.isEmpty()) {
            Instant last = batch.get(batch.size() - 1).getTs();
            out.add(new Sent(SPANS, null, OtelSdk.tracesProto(OtelSdk.spans(batch, Map.of())), last.plus(SENT_AFTER)));
            batch.clear();
        }
    }

    /** A batch of a TENANT_004 request and a SERVER span with no tenant. */
    private static byte[] partlyTenantless(Instant t) {
        long end = t.toEpochMilli() * 1_000_000L;
        List<SpanData> spans = new ArrayList<>(OtelSdk.spans(List.of(requests(t, Duration.ofSeconds(1), 1, "TENANT_004", "api", "READ", 0, 80)
                .get(0)), Map.of()));
        spans.add(OtelSdk.span(SpanKind.SERVER, Attributes.of(AttributeKey.stringKey("http.request.method"), "GET"), end - 1_000_000, end));
        return OtelSdk.tracesProto(spans);
    }

    private static byte[] opa(String decisionId, String tenant, String result, Instant ts) {
        return ("{\"decision_id\":\"" + decisionId + "\",\"path\":\"residency/allow\",\"input\":{\"tenant\":\"" + tenant
                + "\",\"op_id\":\"" + decisionId + "\",\"residency_zone\":\"eu\",\"data_zone\":\"us\"}"
                + (result == null ? "" : ",\"result\":" + result) + ",\"timestamp\":\"" + ts + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] json(SpecificRecord e) {
        return JsonForm.write(e).getBytes(StandardCharsets.UTF_8);
    }

    /** What one side gave: its actions, and its dead letters as source, reason, message. */
    private record Outcome(List<TripwireAction> actions, List<List<String>> deadLetters) {
    }

    private static Outcome live(List<Sent> records, Rules rules, ActionSigner signer, Path stateDir) {
        String registry = "on-ramp-" + UUID.randomUUID();
        EngineTopics topics = EngineTopics.create(NAMES, Map.of("schema.registry.url", "mock://" + registry), EngineTopics.ActionFormat.AVRO);
        StreamsBuilder builder = new StreamsBuilder();
        TripwireTopology.build(builder, topics, rules, signer, EngineObserver.NONE, INGESTION);
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(),
                StreamsSettings.of("on-ramp-test", "test:9092", stateDir, NAMES.deadLetter(), Map.of()), Instant.now())) {
            Map<String, TestInputTopic<byte[], byte[]>> in = new HashMap<>();
            for (Sent s : records) {
                in.computeIfAbsent(s.topic(), t -> driver.createInputTopic(t, new ByteArraySerializer(), new ByteArraySerializer()))
                        .pipeInput(new TestRecord<>(s.key() == null ? null : s.key().getBytes(StandardCharsets.UTF_8), s.value(),
                                s.timestamp()));
            }
            TestOutputTopic<String, TripwireAction> actions = driver.createOutputTopic(NAMES.actions(), new StringDeserializer(),
                    topics.actions().valueSerde().deserializer());
            TestOutputTopic<byte[], byte[]> dead = driver.createOutputTopic(NAMES.deadLetter(), new ByteArrayDeserializer(),
                    new ByteArrayDeserializer());
            List<List<String>> deadLetters = new ArrayList<>();
            for (TestRecord<byte[], byte[]> d : dead.readRecordsToList()) {
                deadLetters.add(List.of(header(d, "__streams.errors.topic") + "-" + header(d, "__streams.errors.partition") + "@"
                        + header(d, "__streams.errors.offset"), header(d, DeadLetters.REASON_HEADER), header(d, "__streams.errors.message")));
            }
            return new Outcome(actions.readValuesToList(), deadLetters);
        } finally {
            MockSchemaRegistry.drop(registry);
        }
    }

    private static Outcome replayed(List<Sent> records, Rules rules, ActionSigner signer) {
        TopicDecoder decoder = new TopicDecoder(new ReplayTopics(NAMES, INGESTION, ReplayTopics.DEFAULT_MARGIN),
                Map.of("schema.registry.url", "mock://on-ramp-replay"));
        TopicReplay.Window window = new TopicReplay.Window(at("2025-10-06T09:00:00Z"), at("2025-10-06T11:00:00Z"), null);
        Map<String, Long> offsets = new HashMap<>();
        List<TopicDecoder.Pending> events = new ArrayList<>();
        List<ReplayOutput.DeadLetter> rejected = new ArrayList<>();
        for (Sent s : records) {
            long offset = offsets.merge(s.topic(), 1L, Long::sum) - 1; // as the driver numbers them: per topic, from 0
            TopicDecoder.Decoded d = decoder.decode(new ConsumerRecord<>(s.topic(), 0, offset, s.timestamp().toEpochMilli(),
                    TimestampType.CREATE_TIME, 0, s.value().length, s.key() == null ? null : s.key().getBytes(StandardCharsets.UTF_8), s.value(),
                    new RecordHeaders(), Optional.empty()), window);
            events.addAll(d.events());
            if (d.refused() != null) {
                rejected.add(d.refused().deadLetter());
            }
        }
        events.sort(TopicDecoder.Pending.ORDER);
        ReplayOutput out = new ReplayInput(events.stream().map(TopicDecoder.Pending::event).toList(), rejected)
                .replay(rules, signer, (phase, done, total) -> { });
        return new Outcome(out.actions(), out.deadLetters().stream().map(d -> List.of(d.source(), d.reason(), d.error())).toList());
    }

    private static String header(TestRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void theLiveEnginesDecodeStepAndTopicReplayGiveTheSameActionsAndDeadLetters(@TempDir Path stateDir) {
        List<Sent> records = incident();
        Rules rules = Engines.rules();
        ActionSigner signer = new ActionSigner(Engines.KEYS.getPrivate());

        Outcome live = live(records, rules, signer, stateDir);
        Outcome replayed = replayed(records, rules, signer);

        assertThat(live.actions()).extracting(a -> a.getTripwire() + " " + a.getAction())
                .contains("error-budget ROLLBACK_LAST_STEP", "replica-lag STOP_RAMP", "residency-violation REQUIRE_HITL");
        assertThat(replayed.actions()).isEqualTo(live.actions());
        assertThat(live.deadLetters()).extracting(d -> d.get(0).replaceFirst("-0@\\d+$", "") + " " + d.get(1)).containsExactly(
                "otlp_spans bad-otlp", "otlp_spans missing-field", "opa-decision-logs missing-field");
        assertThat(replayed.deadLetters()).isEqualTo(live.deadLetters());
    }
}
