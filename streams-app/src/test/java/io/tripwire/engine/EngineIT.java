package io.tripwire.engine;

import io.tripwire.engine.topology.EngineTopics;
import io.tripwire.engine.topology.TopicNames;
import io.tripwire.kafka.EmbeddedKafka;
import io.tripwire.schemas.TripwireAction;
import io.tripwire.signing.ActionSigner;
import io.tripwire.signing.ActionVerifier;
import io.tripwire.wire.AvroDeserializer;
import io.tripwire.wire.AvroSerializer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.tripwire.engine.Events.at;
import static io.tripwire.engine.Events.autonomy;
import static io.tripwire.engine.Events.metric;
import static io.tripwire.engine.Events.override;
import static io.tripwire.engine.Events.policy;
import static io.tripwire.engine.Events.request;
import static io.tripwire.engine.Events.requests;
import static io.tripwire.engine.Events.rollout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The engine on a real (in-JVM KRaft) broker: Avro events in, signed actions out, read_committed. */
class EngineIT {

    private static EmbeddedKafka kafka;
    private static final String REGISTRY = "mock://engine-it";

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.builder().build().start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    /** Topic names unique to one test, so tests share the broker but not data. */
    private static TopicNames topics(String prefix) {
        return TopicNames.withPrefix(prefix);
    }

    private static TripwireEngine start(TopicNames names, String appId) throws Exception {
        TripwireEngine.Settings s = new TripwireEngine.Settings(appId, kafka.bootstrapServers(),
                Map.of("schema.registry.url", REGISTRY), Files.createTempDirectory("engine-it-state"), names,
                EngineTopics.ActionFormat.AVRO, Map.of("replication.factor", 1));
        TripwireEngine engine = TripwireEngine.start(s, Engines.rules(), new ActionSigner(Engines.KEYS.getPrivate()));
        engine.awaitRunning(Duration.ofSeconds(60));
        return engine;
    }

    private static void produce(TopicNames names, List<? extends SpecificRecord> events) {
        Map<String, Object> cfg = new HashMap<>(kafka.clientConfig());
        cfg.put("schema.registry.url", REGISTRY);
        try (KafkaProducer<String, SpecificRecord> p = new KafkaProducer<>(cfg, new StringSerializer(), avroSerializer(cfg))) {
            for (SpecificRecord e : events) {
                String tenant = (String) e.get(e.getSchema().getField("tenant").pos());
                p.send(new ProducerRecord<>(names.topicOf(e), tenant, e));
            }
            p.flush();
        }
    }

    private static AvroSerializer<SpecificRecord> avroSerializer(Map<String, Object> cfg) {
        AvroSerializer<SpecificRecord> s = new AvroSerializer<>();
        s.configure(cfg, false);
        return s;
    }

    /** Reads the action topic (read_committed) until {@code expected} records arrived or 60 s passed. */
    private static List<ConsumerRecord<String, TripwireAction>> readActions(TopicNames names, int expected) {
        Map<String, Object> cfg = new HashMap<>(kafka.clientConfig());
        cfg.put("group.id", "it-" + UUID.randomUUID());
        cfg.put("auto.offset.reset", "earliest");
        cfg.put("isolation.level", "read_committed");
        cfg.put("schema.registry.url", REGISTRY);
        AvroDeserializer<TripwireAction> d = new AvroDeserializer<>(TripwireAction.class);
        d.configure(cfg, false);
        List<ConsumerRecord<String, TripwireAction>> out = new ArrayList<>();
        try (KafkaConsumer<String, TripwireAction> c = new KafkaConsumer<>(cfg, new StringDeserializer(), d)) {
            c.subscribe(List.of(names.actions()));
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (out.size() < expected && System.nanoTime() < end) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            // a little longer, to catch records that should not be there
            long settle = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (System.nanoTime() < settle) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    @Test
    void avroRequestsProduceSignedActionsThatVerifyWithThePublicKey() throws Exception {
        TopicNames names = topics("slo-");
        try (Admin admin = Admin.create(kafka.adminConfig())) {
            TripwireEngine.createTopics(admin, names, 2, (short) 1);
        }
        try (TripwireEngine engine = start(names, "engine-it-slo")) {
            List<SpecificRecord> events = new ArrayList<>();
            events.add(rollout(at("2025-10-06T09:00:00Z"), "TENANT_004", 10, 2));
            events.addAll(requests(at("2025-10-06T10:00:00Z"), Duration.ofSeconds(100), 1000, "TENANT_004", "api", "READ", 0, 80));
            events.addAll(requests(at("2025-10-06T10:00:00Z"), Duration.ofSeconds(100), 1000, "TENANT_009", "api", "READ", 0, 80));
            // four 5xx among 1,004: e = 41.9 reaches 20 (SPEC 3 "Significance"; three, e = 9.7, do not)
            events.addAll(requests(at("2025-10-06T10:02:00Z"), Duration.ofSeconds(4), 4, "TENANT_004", "api", "READ", 1, 80));
            produce(names, events);

            List<ConsumerRecord<String, TripwireAction>> records = readActions(names, 3);
            assertThat(records).extracting(r -> r.value().getAction().name())
                    .containsExactly("ROLLBACK_LAST_STEP", "FREEZE_RAMP", "OPEN_INCIDENT");
            ActionVerifier verifier = new ActionVerifier(List.of(Engines.KEYS.getPublic()));
            Map<String, byte[]> raw = rawValues(names, records.size());
            assertThat(records).allSatisfy(r -> {
                assertThat(r.key()).isEqualTo("TENANT_004");
                assertThat(verifier.verify(r.value())).isEqualTo(ActionVerifier.Verdict.VALID);
                // the raw value is the Confluent wire format: magic byte 0, then a 4-byte schema id
                assertThat(ByteBuffer.wrap(raw.get(r.partition() + "/" + r.offset())).get(0)).isEqualTo((byte) 0);
            });
            // the rollback names the region of the step it undoes (SPEC 3, issue 26), as replay does
            assertThat(records.get(0).value().getParams()).containsEntry("to", "2").containsEntry("region", "eu-west-1");
            assertThat(records.get(0).value().getFiredAt()).isEqualTo(Instant.parse("2025-10-06T10:02:03Z"));
        }
    }

    @Test
    void aLabelledCanaryThroughTheBrokerGivesTheCanaryRecordsOfItsReplay() throws Exception {
        // test-data/canary.jsonl (SPEC 3 "Canary judgement"), produced as Avro with today's schemas (cohort by
        // version), all of it before the engine starts, so its inputs merge in timestamp order as replay sorts them
        Path file = Path.of("..", "test-data", "canary.jsonl");
        List<SpecificRecord> events = io.tripwire.engine.replay.FileReplay.read(file, (p, d, t) -> { }).events().stream()
                .map(io.tripwire.engine.replay.ReplayInput.Event::event).toList();
        List<String> replayed = io.tripwire.engine.replay.FileReplay.run(file, Engines.rules(), new ActionSigner(Engines.KEYS.getPrivate()),
                (p, d, t) -> { }).actions().stream().map(EngineIT::canaryRecord).toList();
        assertThat(replayed).hasSize(4).anyMatch(a -> a.contains("ROLLBACK_LAST_STEP")).anyMatch(a -> a.contains("CANARY_PASSED"));

        TopicNames names = topics("canary-");
        try (Admin admin = Admin.create(kafka.adminConfig())) {
            TripwireEngine.createTopics(admin, names, 2, (short) 1);
        }
        produce(names, events);
        try (TripwireEngine engine = start(names, "engine-it-canary")) {
            List<String> live = readActions(names, replayed.size()).stream().map(r -> canaryRecord(r.value())).toList();
            assertThat(live).containsExactlyElementsOf(replayed);
        }
    }

    /** An action record's identity and content, for comparing live and replay: id, time, key, action, params, evidence id. */
    private static String canaryRecord(TripwireAction a) {
        return a.getActionId() + " " + a.getFiredAt() + " " + a.getTripwire() + " " + a.getScope() + " " + a.getAction() + " "
                + new java.util.TreeMap<>(a.getParams()) + " " + a.getEvidenceId();
    }

    /** The raw value bytes of every committed record of the action topic, by "partition/offset". */
    private static Map<String, byte[]> rawValues(TopicNames names, int expected) {
        Map<String, Object> cfg = new HashMap<>(kafka.clientConfig());
        cfg.put("group.id", "raw-" + UUID.randomUUID());
        cfg.put("auto.offset.reset", "earliest");
        cfg.put("isolation.level", "read_committed");
        Map<String, byte[]> out = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(cfg,
                new org.apache.kafka.common.serialization.ByteArrayDeserializer(), new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            c.subscribe(List.of(names.actions()));
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (out.size() < expected && System.nanoTime() < end) {
                c.poll(Duration.ofMillis(200)).forEach(r -> out.put(r.partition() + "/" + r.offset(), r.value()));
            }
        }
        return out;
    }

    @Test
    void policyMetricAutonomyAndRolloutEventsGiveTheExpectedActions() throws Exception {
        TopicNames names = topics("ops-");
        try (Admin admin = Admin.create(kafka.adminConfig())) {
            TripwireEngine.createTopics(admin, names, 3, (short) 1);
        }
        try (TripwireEngine engine = start(names, "engine-it-ops")) {
            List<SpecificRecord> events = new ArrayList<>();
            events.add(policy(at("2025-10-06T10:00:00Z"), "TENANT_005", "ing-9", "DENY", "residency"));
            events.add(override(at("2025-10-06T10:05:00Z"), "TENANT_005", "residency-violation", "tok-1"));
            for (int i = 0; i <= 10; i++) {
                events.add(metric(at("2025-10-06T10:00:00Z").plusSeconds(30L * i), "TENANT_004", "pg_replica_lag_seconds", 72.0,
                        Map.of("replica", "db-2")));
            }
            for (int i = 0; i < 200; i++) {
                events.add(autonomy(at("2025-10-06T10:00:00Z").plusSeconds(10L * i), "TENANT_001", "op-" + i, "ENACT", "AUTONOMOUS"));
            }
            events.add(autonomy(at("2025-10-06T11:00:00Z"), "TENANT_001", "op-1", "ENACT", "COMPENSATED"));
            events.add(autonomy(at("2025-10-06T11:00:10Z"), "TENANT_001", "op-2", "ENACT", "COMPENSATED"));
            events.add(autonomy(at("2025-10-06T11:00:20Z"), "TENANT_001", "op-3", "ENACT", "COMPENSATED"));
            events.add(autonomy(at("2025-10-06T11:00:30Z"), "TENANT_001", "op-4", "ENACT", "COMPENSATED"));
            events.add(autonomy(at("2025-10-06T11:00:40Z"), "TENANT_001", "op-5", "ENACT", "COMPENSATED"));
            // the sixth compensation of 200 decided ops reaches e >= 20 at prior strength 100 (the fifth does not)
            events.add(autonomy(at("2025-10-06T11:00:50Z"), "TENANT_001", "op-6", "ENACT", "COMPENSATED"));
            events.add(rollout(at("2025-10-06T10:00:00Z"), "TENANT_007", 10, 2));
            produce(names, events);

            List<String> got = readActions(names, 13).stream()
                    .map(r -> r.value().getTenant() + " " + r.value().getTripwire() + " " + r.value().getAction() + "@" + r.value().getFiredAt())
                    .sorted().toList();
            // TENANT_001's pilot enacts with no approval (it never simulated): unapproved-enact at its first decision, once
            assertThat(got).containsExactly(
                    "TENANT_001 autonomy-compensation ENTER_SIMULATE@2025-10-06T11:00:50Z",
                    "TENANT_001 autonomy-compensation THROTTLE_AUTONOMY@2025-10-06T11:00:50Z",
                    "TENANT_001 unapproved-enact AUDIT_EVENT@2025-10-06T10:00:00Z",
                    "TENANT_001 unapproved-enact ENTER_SIMULATE@2025-10-06T10:00:00Z",
                    "TENANT_001 unapproved-enact THROTTLE_AUTONOMY@2025-10-06T10:00:00Z",
                    "TENANT_004 replica-lag FAILOVER_READ_REPLICAS@2025-10-06T10:05:00Z",
                    "TENANT_004 replica-lag NOTIFY_ONCALL@2025-10-06T10:05:00Z",
                    "TENANT_004 replica-lag QUEUE_WRITES@2025-10-06T10:05:00Z",
                    "TENANT_004 replica-lag STOP_RAMP@2025-10-06T10:05:00Z",
                    "TENANT_005 residency-violation ABORT_OP@2025-10-06T10:00:00Z",
                    "TENANT_005 residency-violation AUDIT_EVENT@2025-10-06T10:00:00Z",
                    "TENANT_005 residency-violation REQUIRE_HITL@2025-10-06T10:00:00Z",
                    "TENANT_005 residency-violation RESOLVED@2025-10-06T10:05:00Z");
        }
    }

    @Test
    void runsOneStreamThreadPerAvailableProcessor() throws Exception {
        // Kafka Streams' own default is one thread; on a machine with more than one processor this
        // fails without the engine's default
        TopicNames names = topics("threads-");
        try (Admin admin = Admin.create(kafka.adminConfig())) {
            TripwireEngine.createTopics(admin, names, 2, (short) 1);
        }
        try (TripwireEngine engine = start(names, "engine-it-threads")) {
            assertThat(engine.streams().metadataForLocalThreads()).hasSize(Runtime.getRuntime().availableProcessors());
        }
    }

    @Test
    void refusesToStartWhenInputTopicsAreNotCoPartitioned() throws Exception {
        TopicNames names = topics("skew-");
        try (Admin admin = Admin.create(kafka.adminConfig())) {
            TripwireEngine.createTopics(admin, names, 2, (short) 1);
            admin.createPartitions(Map.of(names.metrics(), org.apache.kafka.clients.admin.NewPartitions.increaseTo(4))).all().get();
            // metadata is eventually consistent: wait until the broker reports the new count
            long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (admin.describeTopics(List.of(names.metrics())).allTopicNames().get().get(names.metrics()).partitions().size() < 4) {
                assertThat(System.nanoTime()).as("partitions added within 30 s").isLessThan(end);
                Thread.sleep(100);
            }
            assertThatThrownBy(() -> TripwireEngine.checkCoPartitioned(admin, names))
                    .hasMessageContaining("co-partitioned").hasMessageContaining(names.metrics() + "=4")
                    .hasMessageContaining(names.requests() + "=2");
        }
    }
}
