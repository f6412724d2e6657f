package io.tripwire.cli.evidence;

import io.tripwire.cli.Cli.Run;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tripwire.engine.TripwireEngine;
import io.tripwire.engine.replay.ReplayEngine;
import io.tripwire.engine.rules.RulesLoader;
import io.tripwire.engine.topology.EngineTopics;
import io.tripwire.engine.topology.TopicNames;
import io.tripwire.engine.tripwires.TripwireKinds;
import io.tripwire.json.JsonForm;
import io.tripwire.kafka.EmbeddedKafka;
import io.tripwire.schemas.AutonomyDecision;
import io.tripwire.schemas.AutonomyMode;
import io.tripwire.schemas.AutonomyOutcome;
import io.tripwire.schemas.Op;
import io.tripwire.schemas.PolicyDecision;
import io.tripwire.schemas.PolicyVerdict;
import io.tripwire.schemas.RequestLatency;
import io.tripwire.schemas.RolloutStep;
import io.tripwire.schemas.TripwireAction;
import io.tripwire.signing.ActionSigner;
import io.tripwire.signing.Ed25519Keys;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
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
import java.util.List;
import java.util.Map;

import static io.tripwire.cli.Cli.cli;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * On a real broker with the engine running: the gate gives on the topics the verdicts it gives on
 * the same events in a file, and an evidence bundle of the window verifies, and stops verifying,
 * naming the file, when a byte of it changes, when a forged action record is on the topic, or when
 * an action record that went out is dropped.
 */
class EvidenceIT {

    private static EmbeddedKafka kafka;
    private static final String REGISTRY = "mock://evidence-it";
    /** Yesterday, so that the broker's 7-day retention keeps every record the test writes. */
    private static final Instant T0 = Instant.now().minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.HOURS);

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.builder().build().start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    private static RequestLatency req(Instant t, String tenant, int status) {
        return RequestLatency.newBuilder().setTs(t).setTenant(tenant).setService("api").setOp(Op.READ).setStatus(status)
                .setLatencyMs(80).setRegion(null).setRoute(null).setRequestId(null).build();
    }

    /**
     * TENANT_004 burns its budget (4 of 1,004 fail), TENANT_002 serves 2,000 clean requests, TENANT_005 is denied and not
     * overridden, TENANT_001's autonomy pilot simulates 150 ops and enacts 120 without an approval to enact.
     */
    private static List<SpecificRecord> incident() {
        List<SpecificRecord> e = new ArrayList<>();
        e.add(RolloutStep.newBuilder().setTs(T0.minusSeconds(600)).setTenant("TENANT_004").setWave("A").setRegion(null)
                .setStepPercent(10).setPreviousPercent(2).build());
        for (int i = 0; i < 1000; i++) {
            e.add(req(T0.plusMillis(100L * i), "TENANT_004", 200));
        }
        for (int i = 0; i < 4; i++) {
            e.add(req(T0.plusSeconds(120 + i), "TENANT_004", 503));
        }
        for (int i = 0; i < 2000; i++) {
            e.add(req(T0.plusMillis(100L * i), "TENANT_002", 200));
        }
        e.add(PolicyDecision.newBuilder().setTs(T0.plusSeconds(30)).setTenant("TENANT_005").setOpId("ing-9").setDecision(PolicyVerdict.DENY)
                .setPolicy("residency").setResidencyZone("eu").setDataZone("us").setPurpose(null).build());
        for (int i = 0; i < 270; i++) {
            e.add(AutonomyDecision.newBuilder().setTs(T0.plusSeconds(10L * i)).setTenant("TENANT_001").setOpId("op-" + i)
                    .setMode(i < 150 ? AutonomyMode.SIMULATE : AutonomyMode.ENACT).setOutcome(AutonomyOutcome.AUTONOMOUS).build());
        }
        e.sort(java.util.Comparator.comparing(x -> (Instant) x.get(x.getSchema().getField("ts").pos())));
        return e;
    }

    @Test
    void gateOnTopicsEqualsGateOnFilesAndTheBundleVerifiesUntilTamperedWith(@TempDir Path dir) throws Exception {
        TopicNames names = TopicNames.withPrefix("ev.");
        try (Admin admin = Admin.create(kafka.adminConfig())) {
            TripwireEngine.createTopics(admin, names, 2, (short) 1);
        }
        KeyPair engineKey = Ed25519Keys.generate();
        Ed25519Keys.write(engineKey, dir.resolve("engine-keys"));
        KeyPair evidenceKey = Ed25519Keys.generate();
        Ed25519Keys.write(evidenceKey, dir.resolve("evidence-keys"));
        List<SpecificRecord> events = incident();
        Path eventsFile = dir.resolve("events.jsonl");
        Files.write(eventsFile, events.stream().map(JsonForm::write).toList(), StandardCharsets.UTF_8);
        var rules = new RulesLoader(TripwireKinds::parse).load(Path.of("..", "config", "tripwires.yaml"), List.of(), Map.of());
        int expected;
        try (ReplayEngine r = new ReplayEngine(rules, new ActionSigner(engineKey.getPrivate()))) {
            r.sendAll(events);
            expected = r.output().actions().size();
        }

        TripwireEngine.Settings s = new TripwireEngine.Settings("evidence-it", kafka.bootstrapServers(), Map.of("schema.registry.url", REGISTRY),
                Files.createDirectories(dir.resolve("state")), names, EngineTopics.ActionFormat.AVRO, Map.of("replication.factor", 1));
        String[] topicArgs = {"--bootstrap-server", kafka.bootstrapServers(), "--schema-registry-url", REGISTRY, "--topic-prefix", "ev."};
        Instant to = T0.plus(Duration.ofHours(1));
        try (TripwireEngine engine = TripwireEngine.start(s, rules, new ActionSigner(engineKey.getPrivate()));
             KafkaProducer<String, String> p = new KafkaProducer<>(kafka.clientConfig(), new StringSerializer(), new StringSerializer())) {
            engine.awaitRunning(Duration.ofSeconds(60));
            for (SpecificRecord e : events) {
                Instant ts = (Instant) e.get(e.getSchema().getField("ts").pos());
                String tenant = e.get(e.getSchema().getField("tenant").pos()).toString();
                p.send(new ProducerRecord<>(names.topicOf(e), null, ts.toEpochMilli(), tenant, JsonForm.write(e)));
            }
            p.flush();
            awaitActions(names, expected);

            // the gate: the same verdict, figure for figure, on the topics and on the file
            // FAIL for the incident, PASS for the clean tenant (2,000 clean requests: e = 412 for "met"), INCONCLUSIVE for
            // too little traffic: TENANT_002's first minute alone, 600 clean requests (e = 3.6, not 20)
            for (String[] t : new String[][] {{"TENANT_004", "1", to.toString()}, {"TENANT_002", "0", to.toString()},
                {"TENANT_005", "1", to.toString()}, {"TENANT_002", "3", T0.plusSeconds(60).toString()}}) {
                Run onTopics = cli(concat(new String[] {"gate", "--tenant", t[0], "--slo", "0.994", "--at", t[2], "--json"}, topicArgs));
                Run onFile = cli("gate", "--tenant", t[0], "--slo", "0.994", "--at", t[2], "--json", "--input", eventsFile.toString());
                assertThat(onTopics.exit()).as(t[0] + " " + onTopics.out()).isEqualTo(Integer.parseInt(t[1]));
                assertThat(json(onTopics.out())).isEqualTo(json(onFile.out()));
            }

            // a fresh bundle verifies
            Path b1 = dir.resolve("bundle-1");
            Run made = cli(concat(new String[] {"evidence", "--out", b1.toString(), "--from", T0.minusSeconds(3600).toString(), "--to",
                    to.toString(), "--public-key", dir.resolve("engine-keys/public.pem").toString(), "--signing-key",
                    dir.resolve("evidence-keys/private.pem").toString()}, topicArgs));
            assertThat(made.exit()).as(made.out()).isZero();
            assertThat(made.out()).contains(expected + " actions implied, " + expected + " sent: identical");
            String memo = Files.readString(b1.resolve("kpis.md"));
            assertThat(memo).contains("| TENANT_004 | 1004 |", "error-budget");
            // the pilot's review, from the autonomy decisions read off the topic: the first op enacted without approval stops it
            assertThat(made.out()).contains("autonomy pilot review (kpis.md, pilot.json): TENANT_001 simulation delta ");
            assertThat(memo).contains("### TENANT_001", "| simulation delta | SIMULATE | 0 of 150 ",
                    "| autonomy rate | ENACT | 120 of 120 enacted ops autonomous (100.00%) |",
                    "None sent in the window: the pilot enacted without one in it.", "| unapproved-enact | THROTTLE_AUTONOMY | 1 | ")
                    .doesNotContain("### TENANT_004");
            assertThat(Files.readString(b1.resolve("replay/report.html"))).contains("<a href=\"#pilot-1\">pilot review</a>");
            assertThat(new ObjectMapper().readTree(b1.resolve("manifest.json").toFile()).get("sources").toString())
                    .contains("ev.request-latency-0", "fromOffset", "ev.tripwire-actions");
            Run ok = cli("evidence", "verify", b1.toString(), "--public-key", dir.resolve("evidence-keys/public.pem").toString());
            assertThat(ok.exit()).as(ok.out()).isZero();

            // one byte of one artifact changed: verify names the file
            Path kpis = b1.resolve("kpis.md");
            byte[] bytes = Files.readAllBytes(kpis);
            bytes[bytes.length / 2] ^= 1;
            Files.write(kpis, bytes);
            Run changed = cli("evidence", "verify", b1.toString());
            assertThat(changed.exit()).isEqualTo(1);
            assertThat(changed.out()).contains(kpis + ": changed (sha256");

            // a dropped record: the bundle made from the file of what went out, one line short
            List<String> sentLines = Files.readAllLines(dir.resolve("bundle-1/actions-sent.jsonl"));
            Path dropped = dir.resolve("sent-minus-one.jsonl");
            Files.write(dropped, sentLines.subList(1, sentLines.size()));
            Path b3 = dir.resolve("bundle-3");
            Run fromFiles = cli("evidence", "--out", b3.toString(), "--from", T0.minusSeconds(3600).toString(), "--to", to.toString(),
                    "--public-key", dir.resolve("engine-keys/public.pem").toString(), "--input", eventsFile.toString(), "--actions", dropped.toString());
            assertThat(fromFiles.exit()).as(fromFiles.out()).isEqualTo(1);
            Run missing = cli("evidence", "verify", b3.toString());
            assertThat(missing.exit()).isEqualTo(1);
            assertThat(missing.out()).contains(b3.resolve("actions-sent.jsonl") + ": ").contains("implied by the recorded events, not sent");
            // the same review from the file as from the topics, figure for figure
            assertThat(json(Files.readString(b3.resolve("pilot.json")))).isEqualTo(json(Files.readString(b1.resolve("pilot.json"))));
            assertThat(Files.readString(b3.resolve("kpis.md"))).isEqualTo(memo);

            // a forged record on the topic: another key's signature on a real-looking action
            TripwireAction real = JsonForm.parseLine(sentLines.get(0), 1) instanceof TripwireAction a ? a : null;
            TripwireAction forged = new ActionSigner(Ed25519Keys.generate().getPrivate()).sign(TripwireAction.newBuilder(real)
                    .setReason("approved by nobody").build());
            p.send(new ProducerRecord<>(names.actions(), null, Instant.now().toEpochMilli(), real.getTenant(), JsonForm.write(forged))).get();
            Path b2 = dir.resolve("bundle-2");
            Run withForgery = cli(concat(new String[] {"evidence", "--out", b2.toString(), "--from", T0.minusSeconds(3600).toString(), "--to",
                    to.toString(), "--public-key", dir.resolve("engine-keys/public.pem").toString()}, topicArgs));
            assertThat(withForgery.exit()).as(withForgery.out()).isEqualTo(1);
            assertThat(Files.readString(b2.resolve("comparison.md"))).contains("Signatures that do not verify", "BAD_SIGNATURE");
            Run forgedRun = cli("evidence", "verify", b2.toString());
            assertThat(forgedRun.exit()).isEqualTo(1);
            assertThat(forgedRun.out()).contains(b2.resolve("actions-sent.jsonl") + ": ").contains("signature BAD_SIGNATURE");
        }
    }

    private static void awaitActions(TopicNames names, int expected) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < end) {
            TopicDump.Dump d = TopicDump.read(kafka.clientConfig(), names.actions(), Duration.ofSeconds(30));
            if (d.records().size() >= expected) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the engine did not send " + expected + " actions within 90 s");
    }

    private static JsonNode json(String text) throws Exception {
        return new ObjectMapper().readTree(text);
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
