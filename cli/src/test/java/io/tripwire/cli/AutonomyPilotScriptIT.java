package io.tripwire.cli;

import io.tripwire.engine.topology.DeadLetters;
import io.tripwire.json.JsonForm;
import io.tripwire.kafka.EmbeddedKafka;
import io.tripwire.schemas.TripwireAction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * config/scripts/autonomy_pilot.sh with the real {@code tripwire} (the shaded jar) against a live
 * engine on a real broker (issue 24, "Done when"): two pilots simulated for the last hour, PILOT_A
 * with 1,000 proposals none of which production did otherwise (the simulation passes), PILOT_B with
 * 300 (too few to tell). {@code enact} refuses PILOT_B with the gate's figure and sends nothing; for
 * PILOT_A it sends the signed approval and the engine honours it (its ENACT decision fires nothing).
 * An approval for PILOT_B sent around the script with {@code tripwire override} is refused by the
 * engine (dead letter {@code override-simulation-not-passed}, AUDIT_EVENT), and PILOT_B's ENACT
 * decision then fires {@code unapproved-enact}. {@code status} and {@code simulate} read the same
 * story back from the topics.
 */
class AutonomyPilotScriptIT {

    private static final Path SCRIPT = Path.of("..", "config", "scripts", "autonomy_pilot.sh").toAbsolutePath().normalize();
    private static final Path JAR = Path.of("target", "tripwire.jar").toAbsolutePath();
    private static final String APP = "pilot-it";

    private static EmbeddedKafka kafka;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.builder().build().start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    record Run(int exit, String out, String err) {
    }

    @Test
    void enactSendsTheApprovalOnlyAfterAPassingSimulationAndTheEngineRefusesOneSentAroundIt() throws Exception {
        assertThat(JAR).as("the shaded jar (built in 'package', before the ITs)").isRegularFile();
        // the pilot lead's key, trusted for simulation-delta by rules that extend the shipped ones
        StringWriter keysOut = new StringWriter();
        assertThat(new CommandLine(new KeysCommand()).setOut(new PrintWriter(keysOut)).execute("--out", dir.resolve("pilot-keys").toString(),
                "--approver", "pilot-lead@example.org", "--may-override", "simulation-delta")).isZero();
        String keyId = keysOut.toString().lines().skip(1).findFirst().orElseThrow().split(" ")[2];
        Path rules = Files.writeString(dir.resolve("rules.yaml"), "extends: " + Path.of("..", "config", "tripwires.yaml").toAbsolutePath()
                + "\napprovers:\n  - id: pilot-lead@example.org\n    public-key: pilot-keys/public.pem\n    key-id: " + keyId
                + "\n    may-override: [simulation-delta]\n    valid-from: 2025-01-01T00:00:00Z\n");
        int metricsPort = freePort();
        Path config = Files.writeString(dir.resolve("engine.yaml"), """
                application-id: %s
                bootstrap-servers: %s
                schema-registry-url: mock://pilot-it
                state-dir: state
                action-format: json
                metrics: {port: %d}
                kafka:
                  replication.factor: 1
                """.formatted(APP, kafka.bootstrapServers(), metricsPort));
        RunCommand run = new RunCommand(false);
        StringWriter engineErr = new StringWriter();
        // one partition per topic: each topic's records are processed in the order they were sent
        CompletableFuture<Integer> engine = CompletableFuture.supplyAsync(() -> new CommandLine(run).setErr(new PrintWriter(engineErr, true))
                .execute("--config", config.toString(), "--rules", rules.toString(), "--create-topics", "--partitions", "1", "--replication", "1"));
        try {
            awaitTopic("tripwire-signals", engine, engineErr);

            // given an hour of simulation, ending ten minutes ago
            Instant start = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(70));
            List<String[]> decisions = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                decisions.add(decision(start.plusMillis(3_600L * i), "PILOT_A", "sim-a-" + i, "SIMULATE"));
            }
            for (int i = 0; i < 300; i++) {
                decisions.add(decision(start.plusMillis(12_000L * i), "PILOT_B", "sim-b-" + i, "SIMULATE"));
            }
            send("autonomy-decisions", decisions);
            awaitProcessed("autonomy-decisions");
            Map<String, String> env = scriptEnv(rules, keyId);

            // when the approver runs enact for PILOT_B, whose simulation has not passed: refused with the gate's figure, nothing sent
            Run refused = script(env, "enact", "--tenant", "PILOT_B", "--approval-token", "CHG-B-1");
            assertThat(refused.exit()).as(refused.out() + refused.err()).isEqualTo(1);
            assertThat(refused.err()).contains("autonomy_pilot.sh enact: refused, nothing sent: the simulation of tenant PILOT_B has not passed "
                    + "(INCONCLUSIVE): 0 of 300 decided SIMULATE ops compensated (0%); e(below) ");
            assertThat(refused.out()).doesNotContain("sent override", "would switch");

            // and for PILOT_A, whose simulation passed: the signed approval goes out
            Run approved = script(env, "enact", "--tenant", "PILOT_A", "--approval-token", "CHG-A-1");
            assertThat(approved.exit()).as(approved.out() + approved.err()).isZero();
            assertThat(approved.out()).contains("simulation of tenant PILOT_A passed: 0 of 1,000 decided SIMULATE ops compensated (0%)",
                    "sent override to hitl-overrides", "would switch the autonomy pilot of tenant PILOT_A to ENACT mode (approval CHG-A-1)");
            List<ConsumerRecord<String, byte[]>> overrides = TopicReader.read(kafka, Set.of("hitl-overrides"), 1);
            assertThat(overrides).as("enact for PILOT_B sent nothing").extracting(ConsumerRecord::key).containsExactly("PILOT_A");
            assertThat(new String(overrides.get(0).value(), StandardCharsets.UTF_8)).contains("\"tripwire\":\"simulation-delta\"",
                    "\"approvalTokenId\":\"CHG-A-1\"", "\"keyId\":\"" + keyId + "\"", "\"signature\":");

            // an approval for PILOT_B sent around the script, well signed: the engine refuses it
            StringWriter overrideErr = new StringWriter();
            assertThat(new CommandLine(new OverrideCommand()).setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(overrideErr, true))
                    .execute("--tenant", "PILOT_B", "--tripwire", "simulation-delta", "--token", "CHG-B-2", "--by", "pilot-lead@example.org",
                            "--signing-key", dir.resolve("pilot-keys").resolve("private.pem").toString(), "--key-id", keyId,
                            "--rules", rules.toString(), "--format", "json", "--bootstrap-server", kafka.bootstrapServers())).as(overrideErr.toString()).isZero();
            List<TripwireAction> audit = actions(got -> got.stream().anyMatch(a -> a.getTripwire().equals("hitl-approval")));
            assertThat(audit).extracting(a -> a.getTenant() + " " + a.getTripwire() + " " + a.getAction())
                    .containsExactly("PILOT_B hitl-approval AUDIT_EVENT");
            assertThat(audit.get(0).getScope()).isEqualTo("simulation-delta");
            assertThat(audit.get(0).getReason()).contains("token CHG-B-2", "override-simulation-not-passed", "0 / 300");
            List<ConsumerRecord<String, byte[]>> dead = TopicReader.read(kafka, Set.of("tripwire-dead-letter"), 1);
            assertThat(dead).singleElement().satisfies(d -> {
                assertThat(d.key()).isEqualTo("PILOT_B");
                assertThat(new String(d.headers().lastHeader(DeadLetters.REASON_HEADER).value(), StandardCharsets.UTF_8))
                        .isEqualTo("override-simulation-not-passed");
            });
            // PILOT_A's approval (sent before, on the same partition) was honoured
            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("tripwire_hitl_overrides_total{tenant=\"PILOT_A\",tripwire=\"simulation-delta\"} 1.0")
                    .doesNotContain("tripwire_hitl_overrides_total{tenant=\"PILOT_B\"");

            // then both pilots enact: PILOT_A is approved and fires nothing; PILOT_B fires unapproved-enact
            Instant now = Instant.now();
            send("autonomy-decisions", List.of(decision(now, "PILOT_A", "op-a-1", "ENACT"), decision(now.plusMillis(1), "PILOT_B", "op-b-1", "ENACT")));
            List<TripwireAction> all = actions(got -> got.stream().filter(a -> a.getTripwire().equals("unapproved-enact")).count() >= 3);
            assertThat(all).extracting(a -> a.getTenant() + " " + a.getTripwire() + " " + a.getAction()).containsExactly(
                    "PILOT_B hitl-approval AUDIT_EVENT",
                    "PILOT_B unapproved-enact THROTTLE_AUTONOMY", "PILOT_B unapproved-enact ENTER_SIMULATE", "PILOT_B unapproved-enact AUDIT_EVENT");

            // status and simulate read the same story from the topics
            Run status = script(env, "status", "--tenant", "PILOT_A", "--metrics", "simulation,hitl");
            assertThat(status.exit()).as(status.out() + status.err()).isZero();
            assertThat(status.out()).containsPattern("(?m)^  simulation delta +PASS +0 of 1,000 decided SIMULATE ops compensated \\(0%\\); .* \\(target: < 0.5%\\)$")
                    .containsPattern("(?m)^  hitl overrides +0 of 1 decided ENACT ops done by a human")
                    .containsPattern("(?m)^  approval CHG-A-1 by pilot-lead@example.org \\(key " + keyId + "\\) at \\S+: in force$")
                    .contains("loop tripwires fired: none");
            Run simulate = script(env, "simulate", "--tenant", "PILOT_B", "--window", "24h", "--compare", "production");
            assertThat(simulate.exit()).as(simulate.out() + simulate.err()).isEqualTo(3);
            assertThat(simulate.out()).contains("proposals compared with production: INCONCLUSIVE", "0 of 300 decided SIMULATE ops compensated (0%)",
                    "loop tripwires fired: unapproved-enact AUDIT_EVENT ×1, unapproved-enact ENTER_SIMULATE ×1, unapproved-enact THROTTLE_AUTONOMY ×1");
        } finally {
            run.stop();
        }
        assertThat(engine.get(60, TimeUnit.SECONDS)).as(engineErr.toString()).isZero();
    }

    private static String[] decision(Instant ts, String tenant, String opId, String mode) {
        return new String[]{tenant, ts.toString(), "{\"type\":\"autonomy\",\"ts\":\"" + ts + "\",\"tenant\":\"" + tenant + "\",\"opId\":\"" + opId
                + "\",\"mode\":\"" + mode + "\",\"outcome\":\"AUTONOMOUS\"}"};
    }

    /** Sends {tenant, ts, json} records in the JSON form, the record timestamp the event time (as produce does: the gate reads by it). */
    private static void send(String topic, List<String[]> records) {
        try (KafkaProducer<String, String> p = new KafkaProducer<>(kafka.clientConfig(), new StringSerializer(), new StringSerializer())) {
            for (String[] r : records) {
                p.send(new ProducerRecord<>(topic, null, Instant.parse(r[1]).toEpochMilli(), r[0], r[2]));
            }
            p.flush();
        }
    }

    /** The script with the real tripwire (a wrapper running the shaded jar), as an approver with the cluster in its environment. */
    private Map<String, String> scriptEnv(Path rules, String keyId) throws IOException {
        Path tripwire = dir.resolve("tripwire");
        Files.writeString(tripwire, "#!/usr/bin/env bash\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java")
                + "' -Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar '" + JAR + "' \"$@\"\n");
        assertThat(tripwire.toFile().setExecutable(true)).isTrue();
        Map<String, String> env = new HashMap<>();
        env.put("TRIPWIRE", tripwire.toString());
        env.put("TRIPWIRE_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("TRIPWIRE_RULES", rules.toString());
        env.put("TRIPWIRE_FORMAT", "json"); // the engine's mock:// registry is not this process's: JSON needs none
        env.put("TRIPWIRE_APPROVER", "pilot-lead@example.org");
        env.put("TRIPWIRE_APPROVER_KEY", dir.resolve("pilot-keys").resolve("private.pem").toString());
        env.put("TRIPWIRE_APPROVER_KEY_ID", keyId);
        return env;
    }

    private Run script(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().remove("ACTION_ID");
        pb.environment().putAll(env);
        Path out = Files.createTempFile(dir, "script", ".out");
        Path err = Files.createTempFile(dir, "script", ".err");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("autonomy_pilot.sh " + String.join(" ", args) + " within 120 s").isTrue();
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** Waits until the engine has committed every record of {@code topic} (one partition). */
    private static void awaitProcessed(String topic) throws Exception {
        TopicPartition tp = new TopicPartition(topic, 0);
        try (Admin admin = Admin.create(kafka.adminConfig())) {
            long end = admin.listOffsets(Map.of(tp, OffsetSpec.latest())).all().get().get(tp).offset();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (true) {
                OffsetAndMetadata committed = admin.listConsumerGroupOffsets(APP).partitionsToOffsetAndMetadata().get().get(tp);
                if (committed != null && committed.offset() >= end) {
                    return;
                }
                assertThat(System.nanoTime()).as("the engine processed " + topic + " up to " + end + " within 60 s").isLessThan(deadline);
                Thread.sleep(200);
            }
        }
    }

    private static List<TripwireAction> actions(java.util.function.Predicate<List<TripwireAction>> done) {
        return parse(TopicReader.read(kafka, Set.of("tripwire-actions"), Duration.ofSeconds(60), got -> done.test(parse(got))));
    }

    private static List<TripwireAction> parse(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().map(r -> (TripwireAction) JsonForm.parseLine(new String(r.value(), StandardCharsets.UTF_8), 1)).toList();
    }

    private static void awaitTopic(String topic, CompletableFuture<Integer> engine, StringWriter err) throws Exception {
        try (Admin admin = Admin.create(kafka.adminConfig())) {
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!admin.listTopics().names().get().contains(topic)) {
                assertThat(engine).as("run ended early: " + err).isNotDone();
                assertThat(System.nanoTime()).as("topic " + topic + " created within 60 s").isLessThan(end);
                Thread.sleep(100);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
