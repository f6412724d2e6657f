package io.tripwire.engine.reliability;

import io.tripwire.engine.Engines;
import io.tripwire.engine.TripwireEngine;
import io.tripwire.engine.topology.EngineObserver;
import io.tripwire.engine.topology.EngineTopics;
import io.tripwire.engine.topology.StreamsSettings;
import io.tripwire.engine.topology.TopicNames;
import io.tripwire.engine.topology.TripwireTopology;
import io.tripwire.kafka.EmbeddedKafka;
import io.tripwire.schemas.TripwireAction;
import io.tripwire.signing.ActionSigner;
import io.tripwire.wire.AvroDeserializer;
import io.tripwire.wire.AvroSerializer;
import io.tripwire.wire.MockSchemaRegistry;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static io.tripwire.engine.Events.at;
import static io.tripwire.engine.Events.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The engine against a broker whose client listener is SASL_PLAINTEXT with SCRAM-SHA-512: the
 * security settings go through {@code Settings.kafka()} to every client the engine makes (admin,
 * consumers, transactional producer), and wrong credentials are refused with a clear error.
 */
class ScramEngineIT {

    private static final String REGISTRY = "scram-engine-it";
    private static final Map<String, Object> SERDE = Map.of("schema.registry.url", "mock://" + REGISTRY);
    private static final String USER = "tripwire-engine";
    private static final String PASSWORD = "s3cret-" + UUID.randomUUID();

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.builder().withScram(USER, PASSWORD).build().start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
        MockSchemaRegistry.drop(REGISTRY);
    }

    /** security.protocol, sasl.mechanism and sasl.jaas.config, as an operator would pass them. */
    private static Map<String, Object> security(String password) {
        Map<String, Object> c = new HashMap<>(kafka.clientConfig());
        c.remove("bootstrap.servers");
        if (!password.equals(PASSWORD)) {
            c.put(SaslConfigs.SASL_JAAS_CONFIG, c.get(SaslConfigs.SASL_JAAS_CONFIG).toString().replace(PASSWORD, password));
        }
        assertThat(c).containsKeys("security.protocol", "sasl.mechanism", "sasl.jaas.config");
        return c;
    }

    private static TripwireEngine.Settings settings(TopicNames names, String appId, String password) throws Exception {
        Map<String, Object> k = new HashMap<>(security(password));
        k.put("replication.factor", 1);
        return new TripwireEngine.Settings(appId, kafka.bootstrapServers(), SERDE, Files.createTempDirectory("scram-it-state"),
                names, EngineTopics.ActionFormat.AVRO, k);
    }

    @Test
    void theEngineRunsOverScramAndActionsFlow() throws Exception {
        // given
        TopicNames names = AccountingIT.topics("scram-");
        try (Admin admin = Admin.create(kafka.adminConfig())) {
            TripwireEngine.createTopics(admin, names, 2, (short) 1);
        }
        try (TripwireEngine engine = TripwireEngine.start(settings(names, "scram-engine-it", PASSWORD), Engines.rules(),
                new ActionSigner(Engines.KEYS.getPrivate()), EngineObserver.NONE)) {
            engine.awaitRunning(Duration.ofSeconds(90));

            // when: a residency DENY, produced with the same SASL settings
            Map<String, Object> cfg = new HashMap<>(kafka.clientConfig());
            cfg.putAll(SERDE);
            AvroSerializer<SpecificRecord> avro = new AvroSerializer<>();
            avro.configure(cfg, false);
            try (KafkaProducer<String, SpecificRecord> p = new KafkaProducer<>(cfg, new StringSerializer(), avro)) {
                p.send(new ProducerRecord<>(names.policy(), "TENANT_S1",
                        policy(at("2025-10-06T10:00:00Z"), "TENANT_S1", "op-1", "DENY", "residency"))).get(30, TimeUnit.SECONDS);
            }

            // then: its actions arrive, read_committed, over SASL
            List<String> actions = readActions(names, 3);
            assertThat(actions).contains("REQUIRE_HITL", "ABORT_OP", "AUDIT_EVENT");
            assertThat(engine.streams().state()).isEqualTo(KafkaStreams.State.RUNNING);
        }
    }

    @Test
    void aClientWithTheWrongPasswordIsRefusedWithAuthenticationFailed() {
        // given
        Map<String, Object> cfg = new HashMap<>(security("guess"));
        cfg.put("bootstrap.servers", kafka.bootstrapServers());
        cfg.put("request.timeout.ms", 5_000);
        cfg.put("default.api.timeout.ms", 10_000);
        cfg.put("max.block.ms", 10_000);

        // when
        Throwable adminError;
        try (Admin admin = Admin.create(cfg)) {
            adminError = catchThrowable(() -> admin.describeCluster().nodes().get(15, TimeUnit.SECONDS));
        }
        Throwable producerError;
        try (KafkaProducer<String, String> p = new KafkaProducer<>(cfg, new StringSerializer(), new StringSerializer())) {
            producerError = catchThrowable(() -> p.send(new ProducerRecord<>("anything", "k", "v")).get(15, TimeUnit.SECONDS));
        }

        // then: SaslAuthenticationException naming the failed SCRAM-SHA-512 authentication
        for (Throwable t : List.of(adminError, producerError)) {
            Throwable sasl = saslCause(t);
            assertThat(sasl).as("cause chain of " + t).isInstanceOf(SaslAuthenticationException.class);
            assertThat(sasl.getMessage()).contains("Authentication failed").contains("SCRAM-SHA-512");
        }
    }

    /**
     * What wrong credentials do. The engine itself refuses to start: its co-partitioning check
     * (an Admin describeTopics) fails fast with IllegalStateException whose cause is
     * SaslAuthenticationException. The Kafka Streams instance behind it, started directly with the
     * same settings and the engine's uncaught-exception policy (REPLACE_THREAD), never reaches RUNNING:
     * Kafka Streams 4.4 goes CREATED -> REBALANCING and stays there, each stream thread dying on
     * SaslAuthenticationException and being replaced.
     */
    @Test
    void anEngineWithWrongCredentialsDoesNotReachRunning() throws Exception {
        // given
        TopicNames names = AccountingIT.topics("scram-bad-");
        try (Admin admin = Admin.create(kafka.adminConfig())) {
            TripwireEngine.createTopics(admin, names, 1, (short) 1);
        }
        TripwireEngine.Settings wrong = settings(names, "scram-engine-it-wrong", "guess");

        // when / then: TripwireEngine.start fails within a bounded time
        Throwable startError = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> catchThrowable(() ->
                TripwireEngine.start(wrong, Engines.rules(), new ActionSigner(Engines.KEYS.getPrivate()), EngineObserver.NONE).close()));
        assertThat(startError).isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot describe topic");
        assertThat(saslCause(startError)).isInstanceOf(SaslAuthenticationException.class)
                .hasMessageContaining("Authentication failed");

        // and: Kafka Streams itself, with the same settings, never gets to RUNNING
        StreamsBuilder builder = new StreamsBuilder();
        TripwireTopology.build(builder, EngineTopics.create(names, SERDE, EngineTopics.ActionFormat.AVRO), Engines.rules(),
                new ActionSigner(Engines.KEYS.getPrivate()), EngineObserver.NONE);
        Set<KafkaStreams.State> seen = ConcurrentHashMap.newKeySet();
        List<Throwable> threadErrors = new ArrayList<>();
        KafkaStreams streams = new KafkaStreams(builder.build(), StreamsSettings.of(wrong.applicationId(), wrong.bootstrapServers(),
                wrong.stateDir(), names.deadLetter(), wrong.kafka()));
        streams.setStateListener((now, before) -> seen.add(now));
        streams.setUncaughtExceptionHandler(e -> {
            synchronized (threadErrors) {
                threadErrors.add(e);
            }
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        try {
            streams.start();
            long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < end && streams.state() != KafkaStreams.State.ERROR) {
                assertThat(streams.state()).isNotEqualTo(KafkaStreams.State.RUNNING);
                Thread.sleep(100);
            }
            System.out.printf("ScramEngineIT: Kafka Streams with a wrong password went through %s, now %s; thread errors: %s%n",
                    seen, streams.state(), threadErrors.stream().map(t -> t.getClass().getSimpleName() + ": " + t.getMessage()).distinct().toList());
            // Kafka Streams 4.4: each stream thread dies on SaslAuthenticationException; with the engine's
            // REPLACE_THREAD policy it is replaced and fails again, so the client stays REBALANCING (never RUNNING,
            // and not ERROR, which SHUTDOWN_CLIENT would give)
            assertThat(seen).doesNotContain(KafkaStreams.State.RUNNING);
            synchronized (threadErrors) {
                assertThat(threadErrors).isNotEmpty().allSatisfy(t ->
                        assertThat(saslCause(t)).isInstanceOf(SaslAuthenticationException.class).hasMessageContaining("Authentication failed"));
            }
        } finally {
            streams.close(Duration.ofSeconds(30));
        }
    }

    private static Throwable saslCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SaslAuthenticationException) {
                return c;
            }
        }
        return t;
    }

    private static List<String> readActions(TopicNames names, int expected) {
        Map<String, Object> cfg = new HashMap<>(kafka.clientConfig());
        cfg.put("group.id", "scram-actions-" + UUID.randomUUID());
        cfg.put("auto.offset.reset", "earliest");
        cfg.put("isolation.level", "read_committed");
        AvroDeserializer<TripwireAction> d = new AvroDeserializer<>(TripwireAction.class);
        d.configure(SERDE, false);
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<String, TripwireAction> c = new KafkaConsumer<>(cfg, new StringDeserializer(), d)) {
            c.subscribe(List.of(names.actions()));
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (out.size() < expected && System.nanoTime() < end) {
                c.poll(Duration.ofMillis(200)).forEach(r -> out.add(r.value().getAction().name()));
            }
        }
        return out;
    }
}
