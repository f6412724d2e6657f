package io.tripwire.cli.history;

import io.tripwire.cli.Cli.Run;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tripwire.cli.KeysCommand;
import io.tripwire.cli.evidence.TopicDump;
import io.tripwire.engine.TripwireEngine;
import io.tripwire.engine.replay.ReplayEngine;
import io.tripwire.engine.rules.Rules;
import io.tripwire.engine.rules.RulesLoader;
import io.tripwire.engine.topology.EngineTopics;
import io.tripwire.engine.topology.TopicNames;
import io.tripwire.engine.tripwires.TripwireKinds;
import io.tripwire.json.JsonForm;
import io.tripwire.kafka.EmbeddedKafka;
import io.tripwire.signing.ActionSigner;
import io.tripwire.signing.Ed25519Keys;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.tripwire.cli.Cli.cli;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * On a real broker with the engine running (issue 25, "verdicts remember"): topic mode reads what
 * the engine held open before the window from tripwire-actions, so a gate over the last three hours
 * FAILs the tenant frozen five hours earlier and the one held since five days ago, PASSes the one
 * released four days ago, figure for figure as on the same events in a file; an evidence bundle of
 * the window compares clean with what the engine sent; and once the action topic has lost its first
 * records the gate says it could not look further back and answers INCONCLUSIVE, not PASS. Recorded
 * topics no engine ran on (no action topic) are read back as a file is.
 */
class CarryInIT {

    private static EmbeddedKafka kafka;
    private static final String REGISTRY = "mock://carry-in-it";
    /** The window's end: the last whole hour, so that every event (five days back at most) is within the 7-day retention. */
    private static final Instant END = Instant.now().truncatedTo(ChronoUnit.HOURS);

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.builder().build().start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    @Test
    void gateAndEvidenceOnTopicsCarryInWhatTheEngineHeldOpenBeforeTheWindow(@TempDir Path dir) throws Exception {
        TopicNames names = TopicNames.withPrefix("carry.");
        try (Admin admin = Admin.create(kafka.adminConfig())) {
            TripwireEngine.createTopics(admin, names, 2, (short) 1);
        }
        // an approver made with tripwire keys, trusted by rules that extend the shipped ones
        StringWriter keysOut = new StringWriter();
        assertThat(new CommandLine(new KeysCommand()).setOut(new PrintWriter(keysOut)).execute("--out", dir.resolve("dpo").toString(),
                "--approver", "dpo@example.org", "--may-override", "residency-violation")).isZero();
        String keyId = keysOut.toString().lines().skip(1).findFirst().orElseThrow().split(" ")[2];
        Path rulesFile = Files.writeString(dir.resolve("rules.yaml"), "extends: " + Path.of("..", "config", "tripwires.yaml").toAbsolutePath()
                + "\napprovers:\n  - id: dpo@example.org\n    public-key: dpo/public.pem\n    key-id: " + keyId
                + "\n    may-override: [residency-violation]\n    valid-from: 2025-01-01T00:00:00Z\n");
        Rules rules = new RulesLoader(TripwireKinds::parse).load(rulesFile, List.of(), Map.of());
        List<SpecificRecord> events = BeforeTheWindow.events(END, "dpo@example.org", keyId, Ed25519Keys.readPrivate(dir.resolve("dpo/private.pem")));
        Path file = BeforeTheWindow.write(events, dir.resolve("events.jsonl"));
        KeyPair engineKey = Ed25519Keys.generate();
        Ed25519Keys.write(engineKey, dir.resolve("engine-keys"));
        int expected;
        String frozenUntil;
        try (ReplayEngine r = new ReplayEngine(rules, new ActionSigner(engineKey.getPrivate()))) {
            r.sendAll(events);
            expected = r.output().actions().size();
            frozenUntil = r.output().actions().stream().filter(a -> a.getAction().name().equals("FREEZE_RAMP"))
                    .filter(a -> a.getTenant().equals(BeforeTheWindow.FROZEN)).findFirst().orElseThrow().getParams().get("until");
        }

        TripwireEngine.Settings s = new TripwireEngine.Settings("carry-in-it", kafka.bootstrapServers(), Map.of("schema.registry.url", REGISTRY),
                Files.createDirectories(dir.resolve("state")), names, EngineTopics.ActionFormat.AVRO, Map.of("replication.factor", 1));
        String[] topicArgs = {"--bootstrap-server", kafka.bootstrapServers(), "--schema-registry-url", REGISTRY, "--topic-prefix", "carry."};
        String[] window = {"--window", "3h", "--at", END.toString(), "--slo", "0.994", "--rules", rulesFile.toString(), "--json"};
        try (TripwireEngine engine = TripwireEngine.start(s, rules, new ActionSigner(engineKey.getPrivate()));
             KafkaProducer<String, String> p = new KafkaProducer<>(kafka.clientConfig(), new StringSerializer(), new StringSerializer())) {
            engine.awaitRunning(Duration.ofSeconds(60));
            produceInOrder(p, names, events);
            awaitActions(names, expected);

            // the gate on the topics: the verdicts of the same events in a file, figure for figure, what came before carried in
            for (String[] t : new String[][] {{BeforeTheWindow.FROZEN, "1"}, {BeforeTheWindow.HELD, "1"}, {BeforeTheWindow.RELEASED, "0"}}) {
                Run onTopics = cli(concat(concat(new String[] {"gate", "--tenant", t[0]}, window), topicArgs));
                Run onFile = cli(concat(new String[] {"gate", "--tenant", t[0], "--input", file.toString()}, window));
                assertThat(onTopics.exit()).as(t[0] + " " + onTopics.out()).isEqualTo(Integer.parseInt(t[1]));
                assertThat(json(onTopics.out())).as(t[0]).isEqualTo(json(onFile.out()));
            }
            JsonNode frozen = json(cli(concat(concat(new String[] {"gate", "--tenant", BeforeTheWindow.FROZEN}, window), topicArgs)).out());
            assertThat(frozen.get("checks").get(4).get("figure").asText()).isEqualTo("ramp frozen until " + frozenUntil);
            assertThat(Instant.parse(frozenUntil)).isAfter(END.plus(Duration.ofHours(19))); // set five hours before the window's end
            JsonNode held = json(cli(concat(concat(new String[] {"gate", "--tenant", BeforeTheWindow.HELD}, window), topicArgs)).out());
            assertThat(held.get("checks").get(4).get("figure").asText())
                    .isEqualTo("residency hold since " + END.minus(Duration.ofDays(5)) + " (no override)");
            assertThat(held.get("carriedIn").get("replayedFrom").asText()).isEqualTo(END.minus(Duration.ofDays(5)).toString());

            // the evidence bundle of the window: what the engine sent in it is exactly what the carried-in replay implies
            Path bundle = dir.resolve("bundle");
            Run made = cli(concat(new String[] {"evidence", "--out", bundle.toString(), "--from", END.minus(BeforeTheWindow.WINDOW).toString(),
                "--to", END.toString(), "--rules", rulesFile.toString(), "--public-key", dir.resolve("engine-keys/public.pem").toString()}, topicArgs));
            assertThat(made.exit()).as(made.out()).isZero();
            assertThat(made.out()).contains("3 actions implied, 3 sent: identical");
            assertThat(cli("evidence", "verify", bundle.toString()).exit()).isZero();

            // retention takes the action topic's first records, and the first rollout step: the gate can no longer see what was open
            try (Admin admin = Admin.create(kafka.adminConfig())) {
                Map<TopicPartition, RecordsToDelete> cut = new HashMap<>();
                for (int partition = 0; partition < 2; partition++) {
                    long actions = endOffset(admin, new TopicPartition(names.actions(), partition));
                    if (actions >= 1) {
                        cut.put(new TopicPartition(names.actions(), partition), RecordsToDelete.beforeOffset(1));
                    }
                    long steps = endOffset(admin, new TopicPartition(names.rollout(), partition));
                    if (steps >= 2) {
                        cut.put(new TopicPartition(names.rollout(), partition), RecordsToDelete.beforeOffset(steps - 1));
                    }
                }
                admin.deleteRecords(cut).all().get();
            }
            Run released = cli(concat(concat(new String[] {"gate", "--tenant", BeforeTheWindow.RELEASED}, window), topicArgs));
            assertThat(released.exit()).as(released.out()).isEqualTo(3);
            JsonNode holds = json(released.out()).get("checks").get(4);
            assertThat(holds.get("verdict").asText()).isEqualTo("INCONCLUSIVE");
            assertThat(holds.get("figure").asText()).startsWith("none seen, but could not look further back: " + names.actions()
                    + " has lost its oldest records to retention (").contains(" starts at offset 1, ")
                    .contains("the input topics no longer hold the events from " + END.minus(BeforeTheWindow.WINDOW).minus(Duration.ofHours(48))
                            + " that the replay needed (retention deleted the oldest; left: " + names.rollout() + "-");
            // the window's own checks are unaffected: only the holds could not be told
            assertThat(json(released.out()).get("checks")).extracting(c -> c.get("verdict").asText())
                    .containsExactly("PASS", "PASS", "PASS", "PASS", "INCONCLUSIVE");
        }
    }

    @Test
    void recordedTopicsThatNoEngineRanOnAreReadBackAsAFileIs(@TempDir Path dir) throws Exception {
        // an incident-review cluster: the input topics recorded, no tripwire-actions; their earlier events are the history
        TopicNames names = TopicNames.withPrefix("recorded.");
        kafka.createTopics(2, names.inputs().toArray(String[]::new));
        KeyPair approver = Ed25519Keys.generate();
        Ed25519Keys.write(approver, dir.resolve("dpo"));
        Path rulesFile = Files.writeString(dir.resolve("rules.yaml"), "extends: " + Path.of("..", "config", "tripwires.yaml").toAbsolutePath()
                + "\napprovers:\n  - id: dpo@example.org\n    public-key: dpo/public.pem\n    key-id: dpo-1"
                + "\n    may-override: [residency-violation]\n    valid-from: 2025-01-01T00:00:00Z\n");
        List<SpecificRecord> events = BeforeTheWindow.events(END, "dpo@example.org", "dpo-1", approver.getPrivate());
        Path file = BeforeTheWindow.write(events, dir.resolve("events.jsonl"));
        try (KafkaProducer<String, String> p = new KafkaProducer<>(kafka.clientConfig(), new StringSerializer(), new StringSerializer())) {
            produceInOrder(p, names, events);
        }
        String[] window = {"--window", "3h", "--at", END.toString(), "--slo", "0.994", "--rules", rulesFile.toString(), "--json"};
        String[] topicArgs = {"--bootstrap-server", kafka.bootstrapServers(), "--schema-registry-url", REGISTRY, "--topic-prefix", "recorded."};
        for (String[] t : new String[][] {{BeforeTheWindow.FROZEN, "1"}, {BeforeTheWindow.HELD, "1"}, {BeforeTheWindow.RELEASED, "0"}}) {
            Run onTopics = cli(concat(concat(new String[] {"gate", "--tenant", t[0]}, window), topicArgs));
            Run onFile = cli(concat(new String[] {"gate", "--tenant", t[0], "--input", file.toString()}, window));
            assertThat(onTopics.exit()).as(t[0] + " " + onTopics.out()).isEqualTo(Integer.parseInt(t[1]));
            assertThat(json(onTopics.out())).as(t[0]).isEqualTo(json(onFile.out()));
        }
        JsonNode held = json(cli(concat(concat(new String[] {"gate", "--tenant", BeforeTheWindow.HELD}, window), topicArgs)).out());
        assertThat(held.get("carriedIn").get("replayedFrom").asText()).isEqualTo(END.minus(Duration.ofDays(5)).toString());
        assertThat(held.get("checks").get(4).get("figure").asText())
                .isEqualTo("residency hold since " + END.minus(Duration.ofDays(5)) + " (no override)");
    }

    /** Every event with its time as the record timestamp, flushed at each hour so that the topics reach the engine in time order. */
    private static void produceInOrder(KafkaProducer<String, String> p, TopicNames names, List<SpecificRecord> events) {
        Instant hour = null;
        for (SpecificRecord e : events) {
            Instant ts = BeforeTheWindow.ts(e);
            if (hour != null && !ts.truncatedTo(ChronoUnit.HOURS).equals(hour)) {
                p.flush();
            }
            hour = ts.truncatedTo(ChronoUnit.HOURS);
            p.send(new ProducerRecord<>(names.topicOf(e), null, ts.toEpochMilli(), BeforeTheWindow.tenant(e), JsonForm.write(e)));
        }
        p.flush();
    }

    private static void awaitActions(TopicNames names, int expected) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        int seen = 0;
        while (System.nanoTime() < end) {
            seen = TopicDump.read(kafka.clientConfig(), names.actions(), Duration.ofSeconds(30)).records().size();
            if (seen >= expected) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the engine sent " + seen + " of " + expected + " actions within 120 s");
    }

    private static long endOffset(Admin admin, TopicPartition tp) throws Exception {
        return admin.listOffsets(Map.of(tp, org.apache.kafka.clients.admin.OffsetSpec.latest())).partitionResult(tp).get().offset();
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
