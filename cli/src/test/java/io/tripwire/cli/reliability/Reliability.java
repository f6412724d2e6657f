package io.tripwire.cli.reliability;

import io.tripwire.cli.config.EngineConfig;
import io.tripwire.engine.TripwireEngine;
import io.tripwire.engine.topology.TopicNames;
import io.tripwire.json.JsonForm;
import io.tripwire.kafka.EmbeddedKafka;
import io.tripwire.schemas.TripwireAction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** What the crash, restart and scale-out ITs share: topics, engine configs, catching up, the comparison. */
final class Reliability {

    private Reliability() {
    }

    /** {@code target/reliability/NAME}, emptied: no state dir or config of an earlier build survives. */
    static Path freshDir(String name) throws IOException {
        Path dir = Path.of("target", "reliability", name).toAbsolutePath();
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return Files.createDirectories(dir);
    }

    static TopicNames createTopics(EmbeddedKafka kafka, String prefix, int partitions) {
        TopicNames names = TopicNames.withPrefix(prefix);
        try (Admin admin = Admin.create(kafka.adminConfig())) {
            TripwireEngine.createTopics(admin, names, partitions, (short) 1);
        }
        return names;
    }

    /**
     * An engine.yaml: topics named with {@code prefix}, JSON actions, the JVM's fixed signing key, the
     * repository's rules, state in {@code stateDir}. A 10 s session timeout (instead of 45 s) bounds how
     * long the group waits for a killed member; {@code extraKafka} adds lines under {@code kafka:}.
     */
    static Path engineConfig(Path dir, String file, String appId, String prefix, EmbeddedKafka kafka, Path stateDir,
                             String... extraKafka) throws IOException {
        StringBuilder topics = new StringBuilder();
        for (String key : EngineConfig.TOPIC_KEYS) {
            topics.append("  ").append(key).append(": ").append(prefix).append(key).append('\n');
        }
        StringBuilder extra = new StringBuilder();
        for (String line : extraKafka) {
            extra.append("  ").append(line).append('\n');
        }
        Files.createDirectories(dir);
        return Files.writeString(dir.resolve(file), """
                application-id: %s
                bootstrap-servers: %s
                schema-registry-url: mock://reliability
                state-dir: %s
                rules: %s
                signing-key: %s
                action-format: json
                metrics: {port: 0}
                topics:
                %skafka:
                  replication.factor: 1
                  session.timeout.ms: 10000
                  heartbeat.interval.ms: 2000
                %s""".formatted(appId, kafka.bootstrapServers(), stateDir, WaveA.rules(), WaveA.privateKey(), topics, extra));
    }

    /**
     * Waits until the engine's group has committed the end offset of every input partition, and it
     * stays so for {@code quiet}. Input topics are not transactional, so lag 0 is exact; the offsets
     * commit in the same transaction as the actions, so every action is then committed too.
     */
    static void awaitCaughtUp(EmbeddedKafka kafka, String appId, TopicNames names, Duration quiet, Duration timeout,
                              EngineProcess... engines) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        long zeroSince = -1;
        long lag = -1;
        try (Admin admin = Admin.create(kafka.adminConfig())) {
            while (true) {
                lag = lag(admin, appId, names);
                long now = System.nanoTime();
                if (lag == 0) {
                    if (zeroSince < 0) {
                        zeroSince = now;
                    } else if (now - zeroSince >= quiet.toNanos()) {
                        return;
                    }
                } else {
                    zeroSince = -1;
                }
                boolean anyAlive = engines.length == 0;
                StringBuilder tails = new StringBuilder();
                for (EngineProcess e : engines) {
                    anyAlive |= e.isAlive();
                    tails.append("\n--- ").append(e.name()).append(" ---\n").append(e.tail());
                }
                if (!anyAlive) {
                    throw new AssertionError("no engine alive, lag " + lag + tails);
                }
                if (now > end) {
                    throw new AssertionError("engine group " + appId + " still lags " + lag + " records after " + timeout + tails);
                }
                Thread.sleep(250);
            }
        }
    }

    /** Records of the input topics not yet committed by group {@code appId}. */
    static long lag(Admin admin, String appId, TopicNames names) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed;
        try {
            committed = admin.listConsumerGroupOffsets(appId).partitionsToOffsetAndMetadata().get();
        } catch (java.util.concurrent.ExecutionException e) {
            return Long.MAX_VALUE; // coordinator moving (broker restart): not caught up
        }
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(names.inputs()).allTopicNames().get().forEach((topic, d) ->
                d.partitions().forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest())));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all().get();
        long lag = 0;
        for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e : ends.entrySet()) {
            OffsetAndMetadata c = committed.get(e.getKey());
            lag += e.getValue().offset() - (c == null ? 0 : c.offset());
        }
        return lag;
    }

    /** Every committed record of the action topic (read_committed, from the beginning to the end). */
    static List<String> readActions(EmbeddedKafka kafka, TopicNames names) {
        Map<String, Object> cfg = new HashMap<>(kafka.clientConfig());
        cfg.put("isolation.level", "read_committed");
        cfg.put("enable.auto.commit", false);
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(cfg, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(names.actions()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            c.assign(parts);
            Map<TopicPartition, Long> starts = c.beginningOffsets(parts);
            if (starts.values().stream().anyMatch(o -> o > 0)) {
                // not the engine's doing: the broker deleted records (retention), the comparison would be meaningless
                throw new AssertionError("records of " + names.actions() + " were deleted by the broker, log start offsets " + starts);
            }
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> ends = c.endOffsets(parts); // the last stable offsets, read_committed
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (parts.stream().anyMatch(p -> c.position(p) < ends.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + names.actions() + " to its end " + ends);
                }
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    out.add(new String(r.value(), StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }

    /**
     * The heart of every reliability IT: the committed actions are exactly the clean run's, record
     * for record (ids, params, evidence, signature): none missing, none extra, none twice.
     */
    static void assertSameActionsAsCleanRun(List<String> actual) throws IOException {
        Map<String, String> expected = WaveA.reference();
        Map<String, Integer> counts = new TreeMap<>();
        Map<String, String> byId = new HashMap<>();
        for (String json : actual) {
            TripwireAction a = (TripwireAction) JsonForm.parseLine(json, 0);
            counts.merge(a.getActionId(), 1, Integer::sum);
            byId.put(a.getActionId(), json);
        }
        List<String> duplicated = counts.entrySet().stream().filter(e -> e.getValue() > 1)
                .map(e -> e.getValue() + "x " + describe(byId.get(e.getKey()))).toList();
        TreeSet<String> missing = new TreeSet<>();
        expected.forEach((id, json) -> {
            if (!byId.containsKey(id)) {
                missing.add(describe(json));
            }
        });
        TreeSet<String> extra = new TreeSet<>();
        byId.forEach((id, json) -> {
            if (!expected.containsKey(id)) {
                extra.add(describe(json));
            }
        });
        List<String> changed = byId.entrySet().stream()
                .filter(e -> expected.containsKey(e.getKey()) && !sameRecord(expected.get(e.getKey()), e.getValue()))
                .map(e -> describe(e.getValue()) + "\n    clean run: " + expected.get(e.getKey()) + "\n    this run:  " + e.getValue())
                .toList();
        String diff = "committed " + actual.size() + " actions, clean run " + expected.size()
                + "\n  duplicated: " + duplicated + "\n  missing: " + missing + "\n  extra: " + extra + "\n  changed: " + changed;
        assertThat(duplicated).as(diff).isEmpty();
        assertThat(missing).as(diff).isEmpty();
        assertThat(extra).as(diff).isEmpty();
        assertThat(changed).as(diff).isEmpty();
        assertThat(actual).as(diff).hasSize(expected.size());
    }

    /**
     * Field by field (Avro record equality: ids, params, reason, evidence, evidenceId, signature). Not
     * the JSON text: replay's records pass through Avro, whose decoder gives map fields (evidence,
     * params) in hash order, while the live engine writes them in insertion order.
     */
    static boolean sameRecord(String expectedJson, String actualJson) {
        return JsonForm.parseLine(expectedJson, 0).equals(JsonForm.parseLine(actualJson, 0));
    }

    /** "firedAt tenant tripwire action id…", sorting by time. */
    static String describe(String json) {
        TripwireAction a = (TripwireAction) JsonForm.parseLine(json, 0);
        return a.getFiredAt() + " " + a.getTenant() + " " + a.getTripwire() + " " + a.getAction() + " " + a.getActionId().substring(0, 12);
    }

    /** Tripwire/action of each committed action so far (for logging what happened before a kill). */
    static String summary(List<String> actions) {
        return actions.stream().map(Reliability::describe).sorted().collect(Collectors.joining("\n  ", "\n  ", ""));
    }
}
