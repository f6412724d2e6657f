package io.tripwire.cli;

import io.tripwire.json.JsonForm;
import io.tripwire.kafka.EmbeddedKafka;
import io.tripwire.schemas.TripwireAction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code tripwire run} on a real broker: config file in, the engine up, actions out, a clean stop. */
class RunCommandIT {

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

    /** An engine.yaml naming every topic with {@code prefix}, JSON actions, state under the temp dir. */
    private Path engineYaml(String prefix, String bootstrap) throws Exception {
        return engineYaml(prefix, bootstrap, 0);
    }

    private Path engineYaml(String prefix, String bootstrap, int metricsPort) throws Exception {
        StringBuilder topics = new StringBuilder();
        for (String key : io.tripwire.cli.config.EngineConfig.TOPIC_KEYS) {
            topics.append("  ").append(key).append(": ").append(prefix).append(key).append('\n');
        }
        return Files.writeString(dir.resolve("engine.yaml"), """
                application-id: %srun-it
                bootstrap-servers: %s
                schema-registry-url: mock://run-it
                state-dir: state
                action-format: json
                metrics: {port: %d}
                topics:
                %skafka:
                  replication.factor: 1
                """.formatted(prefix, bootstrap, metricsPort, topics));
    }

    @Test
    void runsTheEngineFromAConfigFileUntilStopped() throws Exception {
        String prefix = "live.";
        int metricsPort = freePort();
        Path config = engineYaml(prefix, kafka.bootstrapServers(), metricsPort);
        // an approver made with tripwire keys, trusted by rules that extend the shipped ones
        Path approverKeys = dir.resolve("dpo-keys");
        StringWriter keysOut = new StringWriter();
        assertThat(new CommandLine(new KeysCommand()).setOut(new PrintWriter(keysOut)).execute("--out", approverKeys.toString(),
                "--approver", "dpo@example.org", "--may-override", "residency-violation")).isZero();
        String approverKeyId = keysOut.toString().lines().skip(1).findFirst().orElseThrow().split(" ")[2];
        Path approverKey = approverKeys.resolve("private.pem");
        Path rules = Files.writeString(dir.resolve("rules.yaml"), "extends: " + Path.of("..", "config", "tripwires.yaml").toAbsolutePath()
                + "\napprovers:\n  - id: dpo@example.org\n    public-key: dpo-keys/public.pem\n    key-id: " + approverKeyId
                + "\n    may-override: [residency-violation]\n    valid-from: 2025-01-01T00:00:00Z\n");
        RunCommand run = new RunCommand(false);
        StringWriter err = new StringWriter();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> new CommandLine(run).setErr(new PrintWriter(err, true))
                .execute("--config", config.toString(), "--rules", rules.toString(), "--create-topics", "--partitions", "2", "--replication", "1"));
        try {
            awaitTopic(prefix + "tripwire-signals", exit, err);

            // given a residency DENY, in the JSON form (no registry needed between processes)
            send(prefix + "policy-decisions", "TENANT_005", "{\"type\":\"policy\",\"ts\":\"2025-10-06T10:00:00Z\",\"tenant\":\"TENANT_005\","
                    + "\"opId\":\"ing-9\",\"decision\":\"DENY\",\"policy\":\"residency\",\"residencyZone\":\"eu\",\"dataZone\":\"us\"}");

            // then the engine holds the tenant for a human
            List<TripwireAction> actions = actions(prefix, 3);
            assertThat(actions).extracting(a -> a.getTripwire() + " " + a.getAction())
                    .containsExactly("residency-violation ABORT_OP", "residency-violation AUDIT_EVENT", "residency-violation REQUIRE_HITL");
            assertThat(actions).allSatisfy(a -> assertThat(a.getTenant()).isEqualTo("TENANT_005"));

            // an override without a signature (anyone who can write the topic) is refused: dead letter, an audit record, the hold stays
            send(prefix + "hitl-overrides", "TENANT_005", "{\"type\":\"override\",\"ts\":\"2025-10-06T10:01:00Z\",\"tenant\":\"TENANT_005\","
                    + "\"tripwire\":\"residency-violation\",\"approvalTokenId\":\"tok-0\",\"by\":\"mallory\"}");
            assertThat(actions(prefix, 4)).extracting(a -> a.getAction().name()).containsExactly("ABORT_OP", "AUDIT_EVENT", "REQUIRE_HITL", "AUDIT_EVENT");

            // when the approver of the rules overrides through the CLI, with their key, the hold resolves
            StringWriter overrideErr = new StringWriter();
            int sent = new CommandLine(new OverrideCommand()).setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(overrideErr, true))
                    .execute("--tenant", "TENANT_005", "--tripwire", "residency-violation", "--token", "tok-1", "--by", "dpo@example.org",
                            "--signing-key", approverKey.toString(), "--key-id", approverKeyId, "--rules", rules.toString(),
                            "--at", "2025-10-06T10:02:00Z", "--valid-for", "15m",
                            "--format", "json", "--topic", prefix + "hitl-overrides", "--bootstrap-server", kafka.bootstrapServers());
            assertThat(sent).as(overrideErr.toString()).isZero();
            assertThat(overrideErr.toString()).isEmpty();
            List<TripwireAction> all = actions(prefix, 5);
            assertThat(all).extracting(a -> a.getAction().name()).containsExactly("ABORT_OP", "AUDIT_EVENT", "REQUIRE_HITL", "AUDIT_EVENT", "RESOLVED");
            assertThat(all.get(3).getReason()).contains("override-unsigned");
            assertThat(all.get(4).getEvidence()).containsEntry("approver", "dpo@example.org").containsEntry("keyId", approverKeyId);

            // and the engine is scrapeable and healthy
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"status\":\"UP\"").contains("RUNNING");
            String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("kafka_stream_", "tripwire_residency_hold_last_timestamp_seconds{tenant=\"TENANT_005\"}")
                    .contains("tripwire_actions_total{action=\"REQUIRE_HITL\",tenant=\"TENANT_005\",tripwire=\"residency-violation\"} 1.0")
                    .contains("tripwire_hitl_overrides_total{tenant=\"TENANT_005\",tripwire=\"residency-violation\"} 1.0")
                    .contains("tripwire_dead_letters_total{reason=\"override-unsigned\"} 1.0");
        } finally {
            run.stop();
        }
        assertThat(exit.get(60, TimeUnit.SECONDS)).as(err.toString()).isZero();
    }

    @Test
    void anUnreachableBrokerIsOneLineNamingTheAddress() throws Exception {
        Path config = engineYaml("none.", "127.0.0.1:1");
        StringWriter err = new StringWriter();
        long started = System.nanoTime();

        int code = new CommandLine(new RunCommand(false)).setErr(new PrintWriter(err, true))
                .execute("--config", config.toString(), "--connect-timeout", "3s");

        assertThat(code).isEqualTo(1);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
        assertThat(err.toString()).startsWith("tripwire run: cannot reach Kafka at 127.0.0.1:1 within 3 s")
                .doesNotContain("\tat ").hasLineCount(1);
    }

    @Test
    void missingTopicsWithoutCreateTopicsGiveTheEnginesMessage() throws Exception {
        Path config = engineYaml("absent.", kafka.bootstrapServers());
        StringWriter err = new StringWriter();

        int code = new CommandLine(new RunCommand(false)).setErr(new PrintWriter(err, true)).execute("--config", config.toString());

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).startsWith("tripwire run: input topics missing: [absent.request-latency,")
                .contains("--create-topics").hasLineCount(1);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void awaitTopic(String topic, CompletableFuture<Integer> exit, StringWriter err) throws Exception {
        try (Admin admin = Admin.create(kafka.adminConfig())) {
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!admin.listTopics().names().get().contains(topic)) {
                assertThat(exit).as("run ended early: " + err).isNotDone();
                assertThat(System.nanoTime()).as("topic " + topic + " created within 60 s").isLessThan(end);
                Thread.sleep(100);
            }
        }
    }

    private static void send(String topic, String key, String json) {
        try (KafkaProducer<String, String> p = new KafkaProducer<>(kafka.clientConfig(), new StringSerializer(), new StringSerializer())) {
            p.send(new ProducerRecord<>(topic, key, json));
            p.flush();
        }
    }

    private static List<TripwireAction> actions(String prefix, int expected) {
        List<ConsumerRecord<String, byte[]>> got = TopicReader.read(kafka, Set.of(prefix + "tripwire-actions"), Duration.ofSeconds(90),
                r -> r.size() >= expected);
        return got.stream().map(r -> (TripwireAction) JsonForm.parseLine(new String(r.value(), StandardCharsets.UTF_8), 1)).toList();
    }
}
