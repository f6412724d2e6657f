package io.tripwire.cli;

import io.tripwire.cli.config.EngineConfig;
import io.tripwire.json.JsonForm;
import io.tripwire.kafka.EmbeddedKafka;
import io.tripwire.schemas.TripwireAction;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Security settings reach every client: a broker that only takes SASL/SCRAM clients, the engine
 * configured through engine.yaml's {@code kafka:} map, produce and override through
 * {@code --command-config}, as an operator would set them up for SASL_SSL.
 */
class ScramPassThroughIT {

    private static final String PASSWORD = "s3cret-pw";
    private static EmbeddedKafka kafka;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() {
        // the event is dated 2025 and produce stamps records with their event time: keep it past the first retention check
        kafka = EmbeddedKafka.builder().withScram("tripwire", PASSWORD).brokerProperty("log.retention.ms", "-1").build().start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    /** The stories' rules: the approver whose committed test key signs the override below. */
    private static final Path STORY_RULES = Path.of("..", "test-data", "story-rules.yaml");

    @Test
    void engineProduceAndOverrideAuthenticateWithScram() throws Exception {
        Map<String, Object> security = kafka.clientConfig();
        security.remove("bootstrap.servers");
        StringBuilder yaml = new StringBuilder("application-id: scram-it\nbootstrap-servers: " + kafka.bootstrapServers()
                + "\naction-format: json\nmetrics: {port: 0}\nrules: " + STORY_RULES.toAbsolutePath() + "\nkafka:\n  replication.factor: 1\n");
        StringBuilder properties = new StringBuilder();
        security.forEach((k, v) -> {
            yaml.append("  ").append(k).append(": '").append(v.toString().replace("'", "''")).append("'\n");
            properties.append(k).append('=').append(v).append('\n');
        });
        Path config = Files.writeString(dir.resolve("engine.yaml"), yaml);
        Path clientProperties = Files.writeString(dir.resolve("client.properties"), properties);
        Path events = Files.writeString(dir.resolve("events.jsonl"), "{\"type\":\"policy\",\"ts\":\"2025-10-06T10:00:00Z\","
                + "\"tenant\":\"TENANT_005\",\"opId\":\"ing-9\",\"decision\":\"DENY\",\"policy\":\"residency\"}\n");

        RunCommand run = new RunCommand(false);
        StringWriter runErr = new StringWriter();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> new CommandLine(run).setErr(new PrintWriter(runErr, true))
                .execute("--config", config.toString(), "--create-topics", "--partitions", "1", "--replication", "1"));
        try {
            awaitTopics(exit, runErr);
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int produced = new CommandLine(new ProduceCommand()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                    .execute("--input", events.toString(), "--format", "json", "--bootstrap-server", kafka.bootstrapServers(),
                            "--command-config", clientProperties.toString());
            assertThat(produced).as(err.toString()).isZero();
            int overridden = new CommandLine(new OverrideCommand()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                    .execute("--tenant", "TENANT_005", "--tripwire", "residency-violation", "--token", "tok-1", "--by", "dpo",
                            "--signing-key", "../test-data/story-keys/private.pem", "--key-id", "dpo-2025", "--rules", STORY_RULES.toString(),
                            "--at", "2025-10-06T10:05:00Z", "--format", "json", "--bootstrap-server", kafka.bootstrapServers(), "--command-config", clientProperties.toString());
            assertThat(overridden).as(err.toString()).isZero();

            List<String> actions = TopicReader.read(kafka, Set.of("tripwire-actions"), Duration.ofSeconds(90), r -> r.size() >= 4).stream()
                    .map(r -> ((TripwireAction) JsonForm.parseLine(new String(r.value(), StandardCharsets.UTF_8), 1)).getAction().name())
                    .toList();
            assertThat(actions).containsExactly("ABORT_OP", "AUDIT_EVENT", "REQUIRE_HITL", "RESOLVED");
        } finally {
            run.stop();
        }
        assertThat(exit.get(60, TimeUnit.SECONDS)).as(runErr.toString()).isZero();
    }

    private static void awaitTopics(CompletableFuture<Integer> exit, StringWriter err) throws Exception {
        try (Admin admin = Admin.create(kafka.adminConfig())) {
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!admin.listTopics().names().get().containsAll(EngineConfig.TOPIC_KEYS)) {
                assertThat(exit).as("run ended early: " + err).isNotDone();
                assertThat(System.nanoTime()).as("topics created within 60 s").isLessThan(end);
                Thread.sleep(100);
            }
        }
    }
}
