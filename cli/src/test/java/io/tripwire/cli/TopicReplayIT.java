package io.tripwire.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tripwire.engine.replay.FileReplay;
import io.tripwire.engine.replay.ReplayOutput;
import io.tripwire.engine.replay.TopicReplay;
import io.tripwire.engine.topology.TopicNames;
import io.tripwire.json.JsonForm;
import io.tripwire.kafka.EmbeddedKafka;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code replay --bootstrap-server} against a real broker: Wave A produced to the input topics (Avro,
 * two partitions each) replays to exactly the actions and signals of {@code replay --input}, a tenant
 * and a time window select what they should, a corrupt value is a dead letter with its
 * topic-partition@offset, and the cluster is left as it was.
 */
class TopicReplayIT {

    private static final Path WAVE_A = Path.of("../test-data/wave-a.jsonl");
    /** The stories' rules: the shipped ones and the approver whose committed test key signed Wave A's overrides. */
    private static final Path RULES = Path.of("../test-data/story-rules.yaml");
    private static final String PREFIX = "wa.";
    private static final String REGISTRY = "mock://topic-replay-it-" + UUID.randomUUID();
    private static final String BEFORE = "2025-10-06T09:00:00Z";
    private static final String AFTER = "2025-10-06T12:00:00Z";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static EmbeddedKafka kafka;
    private static Path shared;
    private static Path key;
    private static Path fileReplay;

    @TempDir
    Path dir;

    @BeforeAll
    static void produceWaveA() throws Exception {
        // Wave A is dated 2025 and produce stamps records with their event time: under the default 7-day
        // retention the broker would delete them at its first retention check (about 30 s after start)
        kafka = EmbeddedKafka.builder().brokerProperty("log.retention.ms", "-1").build().start();
        shared = Files.createTempDirectory("topic-replay-it");
        assertThat(new CommandLine(new TripwireCli()).execute("keys", "--out", shared.resolve("keys").toString())).isZero();
        key = shared.resolve("keys/private.pem");
        kafka.createTopics(2, TopicNames.withPrefix(PREFIX).inputs().toArray(String[]::new));
        Run produce = run("produce", "--input", WAVE_A.toString(), "--topic-prefix", PREFIX,
                "--bootstrap-server", kafka.bootstrapServers(), "--schema-registry-url", REGISTRY);
        assertThat(produce.code).as(produce.err).isZero();
        fileReplay = shared.resolve("file");
        Run file = run("replay", "--input", WAVE_A.toString(), "--out", fileReplay.toString(), "--rules", RULES.toString(),
                "--signing-key", key.toString());
        assertThat(file.code).as(file.err).isZero();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new CommandLine(new TripwireCli()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** Replays Wave A's topics. */
    private Run replayTopics(Path out, String... more) {
        return replayTopics(PREFIX, out, more);
    }

    private Run replayTopics(String prefix, Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("replay", "--bootstrap-server", kafka.bootstrapServers(),
                "--schema-registry-url", REGISTRY, "--topic-prefix", prefix, "--out", out.toString(),
                "--rules", RULES.toString(), "--signing-key", key.toString()));
        args.addAll(List.of(more));
        return run(args.toArray(String[]::new));
    }

    private static long eventsReplayed(Run run) {
        Matcher m = Pattern.compile("replayed ([\\d,]+) events").matcher(run.out);
        assertThat(m.find()).as(run.out + run.err).isTrue();
        return Long.parseLong(m.group(1).replace(",", ""));
    }

    private static String reason(String deadLetterLine) {
        try {
            return JSON.readTree(deadLetterLine).path("reason").asText();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<String> lines(Path file) throws Exception {
        return Files.readAllLines(file, StandardCharsets.UTF_8);
    }

    private static List<String> ofTenant(List<String> jsonLines, String tenant) throws Exception {
        List<String> out = new ArrayList<>();
        for (String l : jsonLines) {
            if (tenant.equals(JSON.readTree(l).path("tenant").asText())) {
                out.add(l);
            }
        }
        return out;
    }

    @Test
    void theWholeScenarioFromTheTopicsGivesTheActionsAndSignalsOfTheFileReplay() throws Exception {
        Run topics = replayTopics(dir, "--from", BEFORE, "--to", AFTER);

        assertThat(topics.code).as(topics.err).isZero();
        assertThat(topics.out).as("each partition is in time order: one pass").contains(", replayed as read");
        assertThat(eventsReplayed(topics)).isEqualTo(Files.readAllLines(WAVE_A).stream().filter(l -> !l.isBlank()).count());
        List<String> fileActions = lines(fileReplay.resolve("actions.jsonl"));
        assertThat(fileActions).hasSizeGreaterThan(20); // Wave A fires a lot (test-data/README.md)
        // ids are deterministic and Ed25519 signatures too: every field; each tenant's in firing order (tenants firing
        // at the same instant from different topics, e.g. TENANT_004's cache-hit and TENANT_005's residency hold at
        // 10:15:00, come in topic order rather than file order, as their events do)
        List<String> topicActions = lines(dir.resolve("actions.jsonl"));
        assertThat(topicActions).containsExactlyInAnyOrderElementsOf(fileActions);
        assertThat(byTenant(topicActions)).isEqualTo(byTenant(fileActions));
        // the same signal values; lines of one time may come in another order, as events of equal ts are
        // replayed by topic, partition and offset rather than in file order; each series is in the same order
        List<String> fileSignals = lines(fileReplay.resolve("signals.jsonl"));
        List<String> topicSignals = lines(dir.resolve("signals.jsonl"));
        assertThat(topicSignals).containsExactlyInAnyOrderElementsOf(fileSignals);
        assertThat(bySeries(topicSignals)).isEqualTo(bySeries(fileSignals));
        // Wave A has no bad line; its dead letters are the three overrides the story refuses, in both replays
        assertThat(lines(fileReplay.resolve("dead-letter.jsonl"))).extracting(TopicReplayIT::reason)
                .containsExactly("override-simulation-not-passed", "override-unsigned", "override-token-reused");
        assertThat(lines(dir.resolve("dead-letter.jsonl"))).extracting(TopicReplayIT::reason)
                .containsExactly("override-simulation-not-passed", "override-unsigned", "override-token-reused");
        assertThat(Files.readString(dir.resolve("report.html"))).contains("<svg");
        // the autonomy pilot's reviews in the report, from the autonomy decisions and overrides the replay kept
        assertThat(pilotReviews(dir.resolve("report.html"))).hasSize(3).isEqualTo(pilotReviews(fileReplay.resolve("report.html")));
    }

    /** The report's autonomy pilot reviews, each from its heading to the end of its table of the loop's firings. */
    private static List<String> pilotReviews(Path report) throws Exception {
        Matcher m = Pattern.compile("<h3 id=\"pilot-\\d+\">.*?<table class=\"pilot-loop\".*?</table>", Pattern.DOTALL)
                .matcher(Files.readString(report));
        List<String> out = new ArrayList<>();
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    @Test
    void aTenantReplaysExactlyThatTenantsActionsAndSignals() throws Exception {
        Run topics = replayTopics(dir, "--from", BEFORE, "--to", AFTER, "--tenant", "TENANT_004");

        assertThat(topics.code).as(topics.err).isZero();
        List<String> expected = ofTenant(lines(fileReplay.resolve("actions.jsonl")), "TENANT_004");
        assertThat(expected).isNotEmpty();
        assertThat(lines(dir.resolve("actions.jsonl"))).containsExactlyElementsOf(expected);
        assertThat(lines(dir.resolve("signals.jsonl")))
                .containsExactlyElementsOf(ofTenant(lines(fileReplay.resolve("signals.jsonl")), "TENANT_004"));
    }

    @Test
    void aWindowReplaysOnlyTheRecordsInItFromInclusiveToExclusive() throws Exception {
        Instant from = Instant.parse("2025-10-06T10:10:00Z");
        Instant to = Instant.parse("2025-10-06T10:20:00Z");
        long inWindow = 0;
        long n = 0;
        for (String l : Files.readAllLines(WAVE_A)) {
            SpecificRecord e = JsonForm.parseLine(l, ++n);
            Instant ts = (Instant) e.get(e.getSchema().getField("ts").pos());
            inWindow += !ts.isBefore(from) && ts.isBefore(to) ? 1 : 0;
        }
        assertThat(inWindow).isPositive().isLessThan(n);

        Run topics = replayTopics(dir, "--from", Long.toString(from.toEpochMilli()), "--to", to.toString());

        assertThat(topics.code).as(topics.err).isZero();
        assertThat(eventsReplayed(topics)).as(topics.out).isEqualTo(inWindow);
        assertThat(lines(dir.resolve("signals.jsonl"))).allSatisfy(s ->
                assertThat(Instant.parse(JSON.readTree(s).get("at").asText())).isBetween(from, to.plusSeconds(300)));
    }

    @Test
    void compareReadsTheTopicsOnceAndReplaysUnderBothRules() throws Exception {
        Path b = dir.resolve("b.yaml");
        Files.writeString(b, "extends: " + RULES.toAbsolutePath() + "\ntripwires:\n  read-latency:\n    threshold: 600\n");

        Run topics = replayTopics(dir.resolve("cmp"), "--from", BEFORE, "--to", AFTER, "--tenant", "TENANT_004",
                "--compare", RULES.toString(), b.toString());

        assertThat(topics.code).as(topics.err).isZero();
        assertThat(Pattern.compile("^read ", Pattern.MULTILINE).matcher(topics.out).results().count()).isOne();
        assertThat(lines(dir.resolve("cmp/a/actions.jsonl"))).containsExactlyElementsOf(
                ofTenant(lines(fileReplay.resolve("actions.jsonl")), "TENANT_004"));
        assertThat(Files.readString(dir.resolve("cmp/compare.md"))).contains("read-latency").containsPattern("only under A: [1-9]");
    }

    @Test
    void theClusterIsLeftAsItWasNoGroupNoCommitNoWriteNoTopic() throws Exception {
        try (Admin admin = Admin.create(kafka.adminConfig())) {
            Set<String> topicsBefore = admin.listTopics().names().get();
            Set<String> groupsBefore = groups(admin);
            Map<TopicPartition, Long> endsBefore = endOffsets(admin, topicsBefore);

            Run topics = replayTopics("absent.", dir, "--from", BEFORE, "--to", AFTER);
            Run wave = replayTopics(dir.resolve("wave"), "--from", BEFORE, "--to", AFTER);

            assertThat(topics.code).isEqualTo(1);
            assertThat(topics.err).contains("none of the input topics exists").contains("absent.request-latency");
            assertThat(wave.code).as(wave.err).isZero();
            assertThat(admin.listTopics().names().get()).isEqualTo(topicsBefore);
            assertThat(groups(admin)).isEqualTo(groupsBefore).isEmpty();
            assertThat(endOffsets(admin, topicsBefore)).isEqualTo(endsBefore);
        }
    }

    @Test
    void aCorruptValueIsADeadLetterWithItsTopicPartitionAndOffsetAndTheReplayGoesOn() throws Exception {
        String prefix = "corrupt.";
        TopicNames names = TopicNames.withPrefix(prefix);
        kafka.createTopics(1, names.requests()); // the other input topics are missing: skipped with a warning
        long ts = Instant.parse("2025-10-06T10:00:00Z").toEpochMilli();
        String good = "{\"type\":\"request\",\"ts\":\"2025-10-06T10:00:0%dZ\",\"tenant\":\"TENANT_004\",\"service\":\"api\","
                + "\"op\":\"READ\",\"status\":200,\"latencyMs\":212.5}";
        byte[] corrupt = {7, 1, 2, 3, (byte) 0xff};
        Map<String, Object> cfg = new HashMap<>(kafka.clientConfig());
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(cfg, new StringSerializer(), new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(names.requests(), null, ts, "TENANT_004", String.format(good, 0).getBytes(StandardCharsets.UTF_8))).get();
            p.send(new ProducerRecord<>(names.requests(), null, ts + 1000, "TENANT_004", corrupt)).get();
            p.send(new ProducerRecord<>(names.requests(), null, ts + 2000, "TENANT_004", String.format(good, 2).getBytes(StandardCharsets.UTF_8))).get();
        }

        Run topics = replayTopics(prefix, dir, "--from", BEFORE, "--to", AFTER);

        assertThat(topics.code).as(topics.err).isZero();
        assertThat(eventsReplayed(topics)).isEqualTo(2);
        assertThat(topics.err).contains("warning: topic corrupt.metric-samples does not exist; skipped");
        List<String> dead = lines(dir.resolve("dead-letter.jsonl"));
        assertThat(dead).hasSize(1);
        JsonNode d = JSON.readTree(dead.get(0));
        assertThat(d.get("source").asText()).isEqualTo("corrupt.request-latency-0@1");
        assertThat(d.has("line")).isFalse();
        assertThat(d.get("reason").asText()).isEqualTo("bad-magic-byte");
        assertThat(d.get("raw").asText()).isEqualTo("base64:BwECA/8=");
        assertThat(Files.readString(dir.resolve("report.html"))).contains("corrupt.request-latency-0@1");
    }

    @Test
    void topicsOutOfTimeOrderAreReadAgainAndSortedAsWithoutTheOnePass() throws Exception {
        // Wave A produced last line first: every partition runs backwards in time
        String prefix = "backwards.";
        List<String> reversed = new ArrayList<>(Files.readAllLines(WAVE_A));
        java.util.Collections.reverse(reversed);
        Path file = dir.resolve("reversed.jsonl");
        Files.write(file, reversed);
        kafka.createTopics(2, TopicNames.withPrefix(prefix).inputs().toArray(String[]::new));
        Run produce = run("produce", "--input", file.toString(), "--topic-prefix", prefix,
                "--bootstrap-server", kafka.bootstrapServers(), "--schema-registry-url", REGISTRY);
        assertThat(produce.code).as(produce.err).isZero();

        Run topics = replayTopics(prefix, dir.resolve("out"), "--from", BEFORE, "--to", AFTER);
        TopicReplay.Replayed replayed = topicReplay(prefix, TopicReplay.DEFAULT_MAX_BUFFERED).replay(WINDOW, rules(), SIGNER, QUIET);
        ReplayOutput sorted = readAndSort(prefix);

        assertThat(topics.code).as(topics.err).isZero();
        assertThat(topics.out).contains("a partition out of time order: read again and sorted in memory");
        assertThat(lines(dir.resolve("out/actions.jsonl"))).hasSizeGreaterThan(20);
        assertThat(replayed.streamed()).isFalse();
        assertSameOutput(replayed.output(), sorted);
    }

    @Test
    void partitionsPausedWhileTheMergeWaitsGiveWhatReadAndSortGives() throws Exception {
        // two events per partition at most before it is paused: the pause and resume path on every poll
        TopicReplay.Replayed streamed = topicReplay(PREFIX, 2).replay(WINDOW, rules(), SIGNER, QUIET);
        TopicReplay.Read read = topicReplay(PREFIX, TopicReplay.DEFAULT_MAX_BUFFERED).read(WINDOW, QUIET);

        assertThat(streamed.streamed()).isTrue();
        assertThat(streamed.events()).isEqualTo(read.input().events().size()).isPositive();
        assertThat(streamed.recordsScanned()).isEqualTo(read.recordsScanned());
        assertThat(streamed.offsets().keySet()).isEqualTo(read.offsets().keySet());
        assertThat(streamed.output().actions()).hasSizeGreaterThan(20);
        assertSameOutput(streamed.output(), readAndSort(PREFIX));
    }

    private static final TopicReplay.Window WINDOW = new TopicReplay.Window(Instant.parse(BEFORE), Instant.parse(AFTER), null);
    private static final io.tripwire.signing.ActionSigner SIGNER =
            new io.tripwire.signing.ActionSigner(io.tripwire.signing.Ed25519Keys.generate().getPrivate());
    private static final FileReplay.Progress QUIET = (phase, done, total) -> { };

    private static io.tripwire.engine.rules.Rules rules() throws Exception {
        return RulesOptions.load(RULES, List.of());
    }

    private static TopicReplay topicReplay(String prefix, int maxBuffered) {
        return new TopicReplay(kafka.clientConfig(), Map.of("schema.registry.url", REGISTRY), TopicNames.withPrefix(prefix), maxBuffered);
    }

    /** The window read into memory, sorted and replayed: what replay did before its one pass. */
    private static ReplayOutput readAndSort(String prefix) throws Exception {
        return topicReplay(prefix, TopicReplay.DEFAULT_MAX_BUFFERED).read(WINDOW, QUIET).input().replay(rules(), SIGNER, QUIET);
    }

    private static void assertSameOutput(ReplayOutput actual, ReplayOutput expected) {
        assertThat(actual.actions()).isEqualTo(expected.actions());
        assertThat(actual.signals()).isEqualTo(expected.signals());
        assertThat(actual.deadLetters()).isEqualTo(expected.deadLetters());
        assertThat(actual.eventsRead()).isEqualTo(expected.eventsRead());
    }

    /** Signal lines per (signal, tenant, scope), each list in file order. */
    /** JSON lines grouped by a key of each, each group in the lines' order. */
    private static Map<String, List<String>> groupedBy(List<String> lines, java.util.function.Function<JsonNode, String> key) throws Exception {
        Map<String, List<String>> out = new TreeMap<>();
        for (String l : lines) {
            out.computeIfAbsent(key.apply(JSON.readTree(l)), k -> new ArrayList<>()).add(l);
        }
        return out;
    }

    private static Map<String, List<String>> byTenant(List<String> actions) throws Exception {
        return groupedBy(actions, n -> n.get("tenant").asText());
    }

    private static Map<String, List<String>> bySeries(List<String> signals) throws Exception {
        return groupedBy(signals, n -> n.get("signal").asText() + " " + n.get("tenant").asText() + " " + n.get("scope").asText());
    }

    private static Set<String> groups(Admin admin) throws Exception {
        return admin.listGroups().all().get().stream().map(GroupListing::groupId).collect(Collectors.toSet());
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin, Set<String> topics) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(topics).allTopicNames().get().forEach((t, d) ->
                d.partitions().forEach(p -> latest.put(new TopicPartition(t, p.partition()), OffsetSpec.latest())));
        Map<TopicPartition, Long> out = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
        admin.listOffsets(latest).all().get().forEach((tp, r) -> out.put(tp, r.offset()));
        return out;
    }

    @Test
    void anUnreachableSchemaRegistryIsAClearErrorNotAStackTrace() throws Exception {
        List<String> args = new ArrayList<>(List.of("replay", "--bootstrap-server", kafka.bootstrapServers(),
                "--schema-registry-url", "http://127.0.0.1:1", "--topic-prefix", PREFIX, "--out", dir.toString(),
                "--rules", RULES.toString(), "--signing-key", key.toString(), "--from", BEFORE, "--to", AFTER));

        Run run = run(args.toArray(String[]::new));

        assertThat(run.code).isEqualTo(1);
        assertThat(run.err).contains("schema registry http://127.0.0.1:1").doesNotContain("\tat ");
    }

    @Test
    void theAutonomyGateGivesTheSameVerdictOnTheTopicsAsOnTheFile() throws Exception {
        // issue 24: the pilot's loop judged from the cluster's topics, figure for figure as from the recorded file:
        // TENANT_001 over its morning FAILs (throttled), over its simulation hour PASSes with the ENACT checks n/a,
        // TENANT_002 (simulates only, 360 ops) and TENANT_003 (a few ENACT ops, throttled at its first: unapproved-enact) are INCONCLUSIVE
        for (String[] t : new String[][] {{"TENANT_001", "2h", "2025-10-06T11:00:00Z", "1"}, {"TENANT_001", "1h", "2025-10-06T10:00:00Z", "0"},
            {"TENANT_002", "2h", "2025-10-06T11:00:00Z", "3"}, {"TENANT_003", "2h", "2025-10-06T11:00:00Z", "3"}}) {
            Run onTopics = run("gate", "--autonomy", "--tenant", t[0], "--window", t[1], "--at", t[2], "--json", "--rules", RULES.toString(),
                    "--bootstrap-server", kafka.bootstrapServers(), "--schema-registry-url", REGISTRY, "--topic-prefix", PREFIX);
            Run onFile = run("gate", "--autonomy", "--tenant", t[0], "--window", t[1], "--at", t[2], "--json", "--rules", RULES.toString(),
                    "--input", WAVE_A.toString());
            assertThat(onTopics.code).as(t[0] + " " + t[1] + " " + onTopics.out + onTopics.err).isEqualTo(Integer.parseInt(t[3]));
            assertThat(onFile.code).as(onFile.out + onFile.err).isEqualTo(Integer.parseInt(t[3]));
            assertThat(JSON.readTree(onTopics.out)).isEqualTo(JSON.readTree(onFile.out));
        }
    }
}
