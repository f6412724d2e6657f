package io.tripwire.cli;

import io.tripwire.cli.Cli.Run;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tripwire.engine.TripwireEngine;
import io.tripwire.engine.ingest.IngestSettings;
import io.tripwire.engine.replay.ReplayEngine;
import io.tripwire.engine.rules.Rules;
import io.tripwire.engine.topology.EngineObserver;
import io.tripwire.engine.topology.EngineTopics;
import io.tripwire.engine.topology.Ingestion;
import io.tripwire.engine.topology.TopicNames;
import io.tripwire.json.JsonForm;
import io.tripwire.kafka.EmbeddedKafka;
import io.tripwire.schemas.MetricSample;
import io.tripwire.schemas.Op;
import io.tripwire.schemas.PolicyDecision;
import io.tripwire.schemas.PolicyVerdict;
import io.tripwire.schemas.RequestLatency;
import io.tripwire.schemas.RolloutStep;
import io.tripwire.signing.ActionSigner;
import io.tripwire.signing.Ed25519Keys;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static io.tripwire.cli.Cli.cli;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 25's "done when" on a real broker: one incident produced once as the JSON form (the input
 * topics) and once as the tools write it (requests as OTLP spans from the Collector, replica lag as
 * OTLP gauges, a residency deny as an OPA decision uploaded 12 minutes later, with the engine
 * reading those topics) gives the same {@code replay --from/--to} actions, the same gate verdicts,
 * and an evidence bundle whose sent-versus-implied comparison is clean.
 */
class OnRampTopicsIT {

    /** Yesterday, so that the broker's 7-day retention keeps every record. */
    private static final Instant T0 = Instant.now().minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.HOURS);
    private static final Instant FROM = T0.minus(Duration.ofMinutes(15));
    private static final Instant TO = T0.plus(Duration.ofMinutes(10));
    private static final String REGISTRY = "mock://on-ramp-topics-it";
    private static final TopicNames JSON_FORM = TopicNames.withPrefix("json.");
    private static final TopicNames TOOLS = TopicNames.withPrefix("tools.");
    private static final Ingestion ON_RAMPS = new Ingestion("tools.otlp_spans", "tools.otlp_metrics", "tools.opa", IngestSettings.DEFAULTS,
            false, 0);

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.builder().build().start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    private static RequestLatency request(Instant t, String tenant, int status) {
        return RequestLatency.newBuilder().setTs(t).setTenant(tenant).setService("api").setOp(Op.READ).setStatus(status)
                .setLatencyMs(80).setRegion(null).setRoute(null).setRequestId(null).build();
    }

    /**
     * TENANT_004 at 10% burns its budget (4 of 1,004 fail) while db-2 lags for 5 minutes; TENANT_002
     * serves 2,000 clean requests; TENANT_005 is denied by the residency policy, no override.
     */
    private static List<SpecificRecord> incident() {
        List<SpecificRecord> e = new ArrayList<>();
        e.add(RolloutStep.newBuilder().setTs(T0.minus(Duration.ofMinutes(10))).setTenant("TENANT_004").setWave("A").setRegion(null)
                .setStepPercent(10).setPreviousPercent(2).build());
        for (int i = 0; i < 1000; i++) {
            e.add(request(T0.plusMillis(100L * i), "TENANT_004", 200));
        }
        for (int i = 0; i < 4; i++) {
            e.add(request(T0.plusSeconds(120 + i), "TENANT_004", 503));
        }
        for (int i = 0; i < 2000; i++) {
            e.add(request(T0.plusMillis(100L * i + 50), "TENANT_002", 200));
        }
        for (int i = 0; i <= 11; i++) {
            e.add(MetricSample.newBuilder().setTs(T0.plusSeconds(30L * i)).setTenant("TENANT_004").setName("pg_replica_lag_seconds")
                    .setValue(72.0).setLabels(Map.of("replica", "db-2")).build());
        }
        e.add(PolicyDecision.newBuilder().setTs(T0.plusSeconds(30)).setTenant("TENANT_005").setOpId("ing-9").setDecision(PolicyVerdict.DENY)
                .setPolicy("residency").setResidencyZone("eu").setDataZone("us").setPurpose(null).build());
        e.sort(Comparator.comparing(x -> (Instant) x.get(x.getSchema().getField("ts").pos())));
        return e;
    }

    private static Instant ts(SpecificRecord e) {
        return (Instant) e.get(e.getSchema().getField("ts").pos());
    }

    /**
     * As the tools send it: requests in batches of 100 spans, each sent 5 s after its last span; each
     * gauge 5 s after its point; the OPA decision 12 minutes after it was made (OPA's default upload
     * delay is 5 to 10 minutes, then the upload); the rollout step in the JSON form. And one record of
     * bytes that are not OTLP.
     */
    private static void sendAsTheToolsDo(List<SpecificRecord> incident, KafkaProducer<byte[], byte[]> p) throws Exception {
        List<RequestLatency> batch = new ArrayList<>();
        for (SpecificRecord e : incident) {
            if (e instanceof RequestLatency r) {
                batch.add(r);
                if (batch.size() == 100) {
                    p.send(new ProducerRecord<>(ON_RAMPS.otlpSpans(), null, r.getTs().plusSeconds(5).toEpochMilli(), null,
                            ToolRecords.traces(batch)));
                    batch.clear();
                }
            } else if (e instanceof MetricSample m) {
                p.send(new ProducerRecord<>(ON_RAMPS.otlpMetrics(), null, ts(m).plusSeconds(5).toEpochMilli(), null, ToolRecords.gauge(m)));
            } else if (e instanceof PolicyDecision d) {
                p.send(new ProducerRecord<>(ON_RAMPS.opaDecisions(), null, ts(d).plus(Duration.ofMinutes(12)).toEpochMilli(), null,
                        ToolRecords.opa(d)));
            } else {
                p.send(new ProducerRecord<>(TOOLS.topicOf(e), null, ts(e).toEpochMilli(), utf8("TENANT_004"), utf8(JsonForm.write(e)))).get();
            }
        }
        p.send(new ProducerRecord<>(ON_RAMPS.otlpSpans(), null, batch.get(batch.size() - 1).getTs().plusSeconds(5).toEpochMilli(), null,
                ToolRecords.traces(batch)));
        p.send(new ProducerRecord<>(ON_RAMPS.otlpSpans(), null, T0.plusSeconds(60).toEpochMilli(), null, new byte[] {(byte) 0xff, 0x13, 0x37}));
        p.flush();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> lines(Path file) throws Exception {
        return Files.readAllLines(file, StandardCharsets.UTF_8);
    }

    @Test
    void theIncidentThroughTheOtlpAndOpaTopicsReplaysGatesAndBundlesAsItsJsonForm(@TempDir Path dir) throws Exception {
        KeyPair engineKey = Ed25519Keys.generate();
        Ed25519Keys.write(engineKey, dir.resolve("engine-keys"));
        Ed25519Keys.write(Ed25519Keys.generate(), dir.resolve("evidence-keys"));
        Path rulesFile = Path.of("..", "config", "tripwires.yaml");
        Rules rules = RulesOptions.load(rulesFile, List.of());
        List<SpecificRecord> incident = incident();
        int expected;
        try (ReplayEngine r = new ReplayEngine(rules, new ActionSigner(engineKey.getPrivate()))) {
            r.sendAll(incident);
            expected = r.output().actions().size();
        }
        Path events = dir.resolve("events.jsonl");
        Files.write(events, incident.stream().map(JsonForm::write).toList());
        try (Admin admin = Admin.create(kafka.adminConfig())) {
            TripwireEngine.createTopics(admin, JSON_FORM, 2, (short) 1);
            TripwireEngine.createTopics(admin, TOOLS, 2, (short) 1);
            admin.createTopics(List.of(new NewTopic(ON_RAMPS.otlpSpans(), 1, (short) 1), new NewTopic(ON_RAMPS.otlpMetrics(), 1, (short) 1),
                    new NewTopic(ON_RAMPS.opaDecisions(), 1, (short) 1))).all().get();
        }
        Run produced = cli("produce", "--input", events.toString(), "--format", "json", "--topic-prefix", "json.",
                "--bootstrap-server", kafka.bootstrapServers());
        assertThat(produced.exit()).as(produced.out()).isZero();

        TripwireEngine.Settings s = new TripwireEngine.Settings("on-ramp-topics-it", kafka.bootstrapServers(),
                Map.of("schema.registry.url", REGISTRY), Files.createDirectories(dir.resolve("state")), TOOLS, EngineTopics.ActionFormat.AVRO,
                Map.of("replication.factor", 1));
        try (TripwireEngine engine = TripwireEngine.start(s, rules, new ActionSigner(engineKey.getPrivate()), EngineObserver.NONE, ON_RAMPS);
             KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(kafka.clientConfig(), new ByteArraySerializer(), new ByteArraySerializer())) {
            engine.awaitRunning(Duration.ofSeconds(60));
            sendAsTheToolsDo(incident, p);
            assertThat(TopicReader.read(kafka, List.of(TOOLS.actions()), Duration.ofSeconds(90), got -> got.size() >= expected))
                    .as("the engine's actions from the OTLP and OPA topics").hasSize(expected);
        }

        String[] window = {"--bootstrap-server", kafka.bootstrapServers(), "--schema-registry-url", REGISTRY, "--rules", rulesFile.toString()};
        String[] json = concat(window, "--topic-prefix", "json.");
        String[] tools = concat(window, "--topic-prefix", "tools.", "--otlp-spans-topic", ON_RAMPS.otlpSpans(), "--otlp-metrics-topic",
                ON_RAMPS.otlpMetrics(), "--opa-topic", ON_RAMPS.opaDecisions());

        // replay: the same actions, ids and signatures; the bytes that are not OTLP are a dead letter with the engine's reason
        String[] replay = {"replay", "--from", FROM.toString(), "--to", TO.toString(), "--signing-key", dir.resolve("engine-keys/private.pem").toString()};
        Run fromJson = cli(concat(concat(replay, "--out", dir.resolve("json").toString()), json));
        Run fromTools = cli(concat(concat(replay, "--out", dir.resolve("tools").toString()), tools));
        assertThat(fromJson.exit()).as(fromJson.out()).isZero();
        assertThat(fromTools.exit()).as(fromTools.out()).isZero();
        assertThat(lines(dir.resolve("json/actions.jsonl"))).hasSize(expected)
                .anyMatch(a -> a.contains("\"ROLLBACK_LAST_STEP\"")).anyMatch(a -> a.contains("\"replica-lag\"")).anyMatch(a -> a.contains("\"REQUIRE_HITL\""));
        assertThat(lines(dir.resolve("tools/actions.jsonl"))).isEqualTo(lines(dir.resolve("json/actions.jsonl")));
        assertThat(lines(dir.resolve("json/dead-letter.jsonl"))).isEmpty();
        assertThat(lines(dir.resolve("tools/dead-letter.jsonl"))).singleElement().asString()
                .contains("\"source\":\"tools.otlp_spans-0@31\"", "\"reason\":\"bad-otlp\"");

        // the gate: the same verdicts, figure for figure (FAIL: fired and held; PASS: 2,000 clean requests)
        for (String[] t : new String[][] {{"TENANT_004", "1"}, {"TENANT_002", "0"}, {"TENANT_005", "1"}}) {
            String[] gate = {"gate", "--tenant", t[0], "--slo", "0.994", "--at", TO.toString(), "--json"};
            Run onJson = cli(concat(gate, json));
            Run onTools = cli(concat(gate, tools));
            assertThat(onTools.exit()).as(t[0] + " " + onTools.out()).isEqualTo(Integer.parseInt(t[1]));
            assertThat(new ObjectMapper().readTree(onTools.out())).isEqualTo(new ObjectMapper().readTree(onJson.out()));
        }

        // evidence: what the engine sent from the OTLP and OPA topics is exactly what their replay implies
        Path bundle = dir.resolve("bundle");
        Run made = cli(concat(new String[] {"evidence", "--out", bundle.toString(), "--from", FROM.toString(), "--to", TO.toString(),
            "--public-key", dir.resolve("engine-keys/public.pem").toString(), "--signing-key", dir.resolve("evidence-keys/private.pem").toString()},
                tools));
        assertThat(made.exit()).as(made.out()).isZero();
        assertThat(made.out()).contains(expected + " actions implied, " + expected + " sent: identical");
        assertThat(Files.readString(bundle.resolve("manifest.json"))).contains("tools.otlp_spans-0", "tools.opa-0");
        Run verified = cli("evidence", "verify", bundle.toString());
        assertThat(verified.exit()).as(verified.out()).isZero();
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
