package io.tripwire.engine.ingest;

import io.tripwire.engine.Engines;
import io.tripwire.engine.TripwireEngine;
import io.tripwire.engine.replay.ReplayEngine;
import io.tripwire.engine.topology.EngineObserver;
import io.tripwire.engine.topology.EngineTopics;
import io.tripwire.engine.topology.Ingestion;
import io.tripwire.engine.topology.TopicNames;
import io.tripwire.json.JsonForm;
import io.tripwire.kafka.EmbeddedKafka;
import io.tripwire.schemas.MetricSample;
import io.tripwire.schemas.PolicyDecision;
import io.tripwire.schemas.RequestLatency;
import io.tripwire.schemas.RolloutStep;
import io.tripwire.schemas.TripwireAction;
import io.tripwire.signing.ActionSigner;
import io.tripwire.wire.AvroDeserializer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.tripwire.engine.Events.at;
import static io.tripwire.engine.Events.metric;
import static io.tripwire.engine.Events.override;
import static io.tripwire.engine.Events.policy;
import static io.tripwire.engine.Events.requests;
import static io.tripwire.engine.Events.rollout;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The on-ramps on a real broker: spans and metrics made by the OpenTelemetry SDK and encoded by its
 * OTLP marshalers, OPA decision-log events, and input records keyed by anything but their tenant,
 * all reach their tenant's task and give the actions of the engine's own JSON form.
 */
class IngestEngineIT {

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.builder().build().start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    /** An incident: TENANT_004 burns its budget (ROLLBACK to 2), db-2 lags 5 minutes, TENANT_005 is denied and overridden. */
    private static List<SpecificRecord> incident() {
        List<SpecificRecord> e = new ArrayList<>();
        e.addAll(requests(at("2025-10-06T10:00:00Z"), Duration.ofSeconds(100), 1000, "TENANT_004", "api", "READ", 0, 80));
        // four 5xx among 1,004: e reaches 20 (SPEC 3 "Significance")
        e.addAll(requests(at("2025-10-06T10:02:00Z"), Duration.ofSeconds(4), 4, "TENANT_004", "api", "READ", 1, 80));
        for (int i = 0; i <= 10; i++) {
            e.add(metric(at("2025-10-06T10:00:00Z").plusSeconds(30L * i), "TENANT_004", "pg_replica_lag_seconds", 72.0, Map.of("replica", "db-2")));
        }
        e.add(policy(at("2025-10-06T10:01:00Z"), "TENANT_005", "ing-9", "DENY", "residency"));
        e.add(override(at("2025-10-06T10:03:00Z"), "TENANT_005", "residency-violation", "tok-1"));
        return e;
    }

    private static List<String> expected(List<SpecificRecord> events, String... sets) {
        try (ReplayEngine r = Engines.engine(sets)) {
            r.sendAll(events);
            return brief(r.output().actions());
        }
    }

    private static List<String> brief(List<TripwireAction> actions) {
        return actions.stream().map(a -> a.getFiredAt() + " " + a.getTenant() + " " + a.getTripwire() + " " + a.getScope() + " "
                + a.getAction() + " " + new java.util.TreeMap<>(a.getParams())).sorted().toList();
    }

    private static TripwireEngine start(TopicNames names, String appId, Ingestion ingestion, String... sets) throws Exception {
        TripwireEngine.Settings s = new TripwireEngine.Settings(appId, kafka.bootstrapServers(), Map.of("schema.registry.url", "mock://" + appId),
                Files.createTempDirectory("ingest-it"), names, EngineTopics.ActionFormat.AVRO,
                Map.of("replication.factor", 1, "commit.interval.ms", 20));
        TripwireEngine engine = TripwireEngine.start(s, Engines.rules(sets), new ActionSigner(Engines.KEYS.getPrivate()),
                EngineObserver.NONE, ingestion);
        engine.awaitRunning(Duration.ofSeconds(60));
        return engine;
    }

    private static TopicNames create(String prefix, int partitions, String... extra) throws Exception {
        TopicNames names = TopicNames.withPrefix(prefix);
        try (Admin admin = Admin.create(kafka.adminConfig())) {
            TripwireEngine.createTopics(admin, names, partitions, (short) 1);
            for (String t : extra) {
                admin.createTopics(List.of(new NewTopic(t, 1, (short) 1))).all().get();
            }
        }
        return names;
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(kafka.clientConfig(), new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void otlpSpansMetricsAndOpaDecisionsGiveTheActionsOfTheJsonForm() throws Exception {
        String spans = "ing-otlp_spans";
        String metrics = "ing-otlp_metrics";
        String opa = "ing-opa-decision-logs";
        TopicNames names = create("ing-", 3, spans, metrics, opa);
        List<SpecificRecord> incident = incident();
        Ingestion ingestion = new Ingestion(spans, metrics, opa, IngestReplayTest.MAPPING, false, 0);
        try (TripwireEngine engine = start(names, "ingest-it-otlp", ingestion);
             KafkaProducer<byte[], byte[]> p = producer()) {
            // the rollout step first, in our JSON form (the rollback goes back to it)
            p.send(new ProducerRecord<>(names.rollout(), utf8("TENANT_004"), utf8(JsonForm.write(rollout(at("2025-10-06T09:00:00Z"),
                    "TENANT_004", 10, 2))))).get();
            List<RequestLatency> reqs = incident.stream().filter(e -> e instanceof RequestLatency).map(e -> (RequestLatency) e).toList();
            for (int i = 0; i < reqs.size(); i += 100) { // the Collector's batches: one export request per record, unkeyed
                p.send(new ProducerRecord<>(spans, null, OtelSdk.tracesProto(OtelSdk.spans(reqs.subList(i, Math.min(reqs.size(), i + 100)),
                        IngestReplayTest.SERVICE_NAMES))));
            }
            for (SpecificRecord e : incident) {
                if (e instanceof MetricSample m) {
                    p.send(new ProducerRecord<>(metrics, null, OtelSdk.metricsProto(OtelSdk.gauges(List.of(m)))));
                } else if (e instanceof PolicyDecision d) {
                    p.send(new ProducerRecord<>(opa, null, utf8(IngestReplayTest.opa(d))));
                }
            }
            p.flush();
            // the human sees the hold, then overrides it (a re-keyed event reaches its task after a direct one sent
            // at the same moment: docs/ingest.md, "Order")
            assertThat(readActions(names, "ingest-it-otlp", 3)).extracting(a -> a.getAction().name()).contains("REQUIRE_HITL");
            p.send(new ProducerRecord<>(names.overrides(), utf8("TENANT_005"), utf8(JsonForm.write(incident.get(incident.size() - 1))))).get();

            List<SpecificRecord> all = new ArrayList<>(incident);
            all.add(rollout(at("2025-10-06T09:00:00Z"), "TENANT_004", 10, 2));
            List<String> want = expected(all);
            assertThat(want).anyMatch(s -> s.contains("error-budget api ROLLBACK_LAST_STEP {region=eu-west-1, to=2}"))
                    .anyMatch(s -> s.contains("replica-lag")).anyMatch(s -> s.contains("REQUIRE_HITL"));
            assertThat(brief(readActions(names, "ingest-it-otlp", want.size()))).isEqualTo(want);
        }
    }

    @Test
    void aCanaryRegressionSentAsOtlpSpansWithServiceVersionFiresTheCanaryKeysOfItsReplay() throws Exception {
        // the 2% v2 stage of test-data/canary.jsonl (SPEC 3 "Canary judgement"): the step names v2, the spans carry
        // service.version (v1 or v2) on their resource, as an OpenTelemetry SDK sets it
        String spans = "can-otlp_spans";
        TopicNames names = create("can-", 3, spans);
        Instant from = at("2025-10-20T10:00:00Z");
        Instant to = at("2025-10-20T10:12:00Z");
        List<SpecificRecord> file = io.tripwire.engine.replay.FileReplay.read(java.nio.file.Path.of("..", "test-data", "canary.jsonl"),
                (p, d, t) -> { }).events().stream().map(io.tripwire.engine.replay.ReplayInput.Event::event).toList();
        SpecificRecord step = file.stream().filter(e -> e instanceof RolloutStep r && r.getTs().equals(from)).findFirst().orElseThrow();
        List<RequestLatency> reqs = file.stream().filter(e -> e instanceof RequestLatency r && !r.getTs().isBefore(from) && r.getTs().isBefore(to))
                .map(e -> (RequestLatency) e).toList();
        List<SpecificRecord> all = new ArrayList<>(List.of(step));
        all.addAll(reqs);
        List<String> want = expected(all).stream().filter(s -> s.contains(" canary-")).toList();
        assertThat(want).anyMatch(s -> s.contains("canary-latency READ ROLLBACK_LAST_STEP"));

        Ingestion ingestion = new Ingestion(spans, null, null, IngestReplayTest.MAPPING, false, 0);
        try (TripwireEngine engine = start(names, "ingest-it-canary", ingestion);
             KafkaProducer<byte[], byte[]> p = producer();
             Admin admin = Admin.create(kafka.adminConfig())) {
            // the step first, past the engine before any span (spans reach their task through the re-keying topic)
            RecordMetadata md = p.send(new ProducerRecord<>(names.rollout(), utf8("TENANT_006"), utf8(JsonForm.write(step)))).get();
            io.tripwire.engine.BrokerTopics.awaitCommitted(admin, "ingest-it-canary", new TopicPartition(md.topic(), md.partition()), md.offset() + 1);
            for (int i = 0; i < reqs.size(); i += 100) {
                p.send(new ProducerRecord<>(spans, null, OtelSdk.tracesProto(OtelSdk.spans(reqs.subList(i, Math.min(reqs.size(), i + 100)),
                        IngestReplayTest.SERVICE_NAMES))));
            }
            p.flush();
            assertThat(brief(readActions(names, "ingest-it-canary", want.size()))).isEqualTo(want);
        }
    }

    @Test
    void recordsKeyedByAnotherTenantOrByNothingGiveTheActionsOfCorrectlyKeyedOnes() throws Exception {
        TopicNames names = create("mis-", 3);
        // a small incident (min-events 20 so that it stays small): TENANT_009 fails 1 in 4, a deny and an override
        List<SpecificRecord> incident = new ArrayList<>(requests(at("2025-10-06T10:00:00Z"), Duration.ofSeconds(40), 40, "TENANT_009",
                "api", "READ", 4, 80));
        incident.add(policy(at("2025-10-06T10:00:50Z"), "TENANT_009", "ing-1", "DENY", "residency"));
        incident.add(override(at("2025-10-06T10:00:55Z"), "TENANT_009", "residency-violation", "tok-9"));
        String[] sets = {"min-events=20"};
        try (TripwireEngine engine = start(names, "ingest-it-keys", Ingestion.DEFAULTS, sets);
             KafkaProducer<byte[], byte[]> p = producer();
             Admin admin = Admin.create(kafka.adminConfig())) {
            // as kcat would: no key, or another tenant's, on partitions 0, 1 and 2 in turn; one at a time, each
            // past the engine before the next, so that the order of arrival is the order of event time
            int i = 0;
            for (SpecificRecord e : incident) {
                String key = i % 3 == 0 ? null : i % 3 == 1 ? "TENANT_008" : "tenant-x";
                RecordMetadata md = p.send(new ProducerRecord<>(names.topicOf(e), i % 3, utf8(key), utf8(JsonForm.write(e)))).get();
                io.tripwire.engine.BrokerTopics.awaitCommitted(admin, "ingest-it-keys", new TopicPartition(md.topic(), md.partition()), md.offset() + 1);
                i++;
            }
            List<String> want = expected(incident, sets);
            assertThat(want).anyMatch(s -> s.contains("error-budget api ROLLBACK_LAST_STEP")).anyMatch(s -> s.contains("REQUIRE_HITL"));
            assertThat(brief(readActions(names, "ingest-it-keys", want.size()))).isEqualTo(want);
        }
    }

    @Test
    void badOtlpBytesASpanWithoutATenantADecisionWithoutAResultAndStrictKeysAreDeadLetteredWithTheirReason() throws Exception {
        String spans = "dlq-otlp_spans";
        String opa = "dlq-opa";
        TopicNames names = create("dlq-", 1, spans, opa);
        Ingestion strict = new Ingestion(spans, null, opa, IngestSettings.DEFAULTS, true, 0);
        try (TripwireEngine engine = start(names, "ingest-it-dlq", strict);
             KafkaProducer<byte[], byte[]> p = producer()) {
            long t = Instant.parse("2025-10-06T10:00:00Z").toEpochMilli() * 1_000_000L;
            p.send(new ProducerRecord<>(spans, null, new byte[] {(byte) 0xff, 0x13, 0x37}));
            p.send(new ProducerRecord<>(spans, null, OtelSdk.tracesProto(List.of(OtelSdk.span(io.opentelemetry.api.trace.SpanKind.SERVER,
                    io.opentelemetry.api.common.Attributes.of(io.opentelemetry.api.common.AttributeKey.stringKey("http.request.method"), "GET"),
                    t, t + 1_000_000)))));
            p.send(new ProducerRecord<>(opa, null, utf8(IngestTest.opaEvent("d-7", "residency/allow", null, "{\"tenant\":\"T\"}",
                    "2025-10-06T10:00:00Z"))));
            p.send(new ProducerRecord<>(names.policy(), utf8("TENANT_008"), utf8(JsonForm.write(policy(at("2025-10-06T10:00:00Z"),
                    "TENANT_009", "x", "DENY", "residency")))));
            p.flush();
            Map<String, String> reasons = new HashMap<>();
            Map<String, String> messages = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : read(names.deadLetter(), 4)) {
                String source = header(r, "__streams.errors.topic");
                reasons.merge(source, header(r, "tripwire.reason"), (a, b) -> a + "," + b);
                messages.merge(source, header(r, "__streams.errors.message"), (a, b) -> a + " | " + b);
            }
            assertThat(reasons).containsEntry(spans, "bad-otlp,missing-field").containsEntry(opa, "missing-field")
                    .containsEntry(names.policy(), "key-mismatch");
            assertThat(messages.get(spans)).contains("not an OTLP traces export request").contains("no tenant_id attribute");
            assertThat(messages.get(opa)).contains("decision d-7: no result");
            assertThat(messages.get(names.policy())).contains("tenant TENANT_009 has record key 'TENANT_008'");
        }
    }

    /** The committed action records, decoded with the engine's in-process registry (mock://APP-ID). */
    private static List<TripwireAction> readActions(TopicNames names, String appId, int expected) {
        AvroDeserializer<TripwireAction> d = new AvroDeserializer<>(TripwireAction.class);
        d.configure(Map.of("schema.registry.url", "mock://" + appId), false);
        return read(names.actions(), expected).stream().map(r -> d.deserialize(r.topic(), r.value())).toList();
    }

    private static List<ConsumerRecord<byte[], byte[]>> read(String topic, int expected) {
        return io.tripwire.engine.BrokerTopics.read(kafka, topic, expected);
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
