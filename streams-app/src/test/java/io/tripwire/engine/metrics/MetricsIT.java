package io.tripwire.engine.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tripwire.engine.Engines;
import io.tripwire.engine.TripwireEngine;
import io.tripwire.engine.topology.EngineTopics;
import io.tripwire.engine.topology.TopicNames;
import io.tripwire.kafka.EmbeddedKafka;
import io.tripwire.observability.MetricsServer;
import io.tripwire.signing.ActionSigner;
import io.tripwire.wire.AvroSerializer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static io.tripwire.engine.Events.at;
import static io.tripwire.engine.Events.metric;
import static io.tripwire.engine.Events.policy;
import static io.tripwire.engine.Events.request;
import static io.tripwire.engine.Events.rollout;
import static io.tripwire.engine.metrics.Scrape.value;
import static org.assertj.core.api.Assertions.assertThat;

/** The engine on a real broker with its metrics served over HTTP: Prometheus sees what the tripwires saw. */
class MetricsIT {

    private static final String REGISTRY = "mock://metrics-it";
    private static final String LAG_SERIES = "pg_replica_lag_seconds{replica=\\\"db-2\\\"}";
    private static EmbeddedKafka kafka;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.builder().build().start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    @Test
    void servesTheTenantSignalsTheTripwiresSawAndTurnsHealthyOnceRunning() throws Exception {
        TopicNames names = topics("metrics-");
        try (Admin admin = Admin.create(kafka.adminConfig())) {
            TripwireEngine.createTopics(admin, names, 2, (short) 1);
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (EngineMetrics metrics = new EngineMetrics(registry, Engines.rules());
             MetricsServer server = MetricsServer.start("127.0.0.1", 0, registry, metrics::health)) {
            HttpResponse<String> before = get(server, "/health");
            assertThat(before.statusCode()).isEqualTo(503);
            assertThat(before.body()).isEqualTo("{\"status\":\"DOWN\",\"detail\":\"engine not started\"}");

            try (TripwireEngine engine = TripwireEngine.start(settings(names), Engines.rules(),
                    new ActionSigner(Engines.KEYS.getPrivate()), metrics)) {
                metrics.bindTo(engine.streams());
                HttpResponse<String> up = await(server, "/health", r -> r.statusCode() == 200);
                assertThat(up.body()).isEqualTo("{\"status\":\"UP\",\"detail\":\"RUNNING\"}");

                Instant live = Instant.now().truncatedTo(ChronoUnit.MILLIS);
                produce(names, events(live));
                produceBytes(names.requests(), "TENANT_006", new byte[]{1, 2, 3, 4, 5});

                // the last update of each event sequence: the replica-lag and residency actions, the dead
                // letter, and the 10:01 latency boundary (evaluated after the 10:02 request's budget update)
                await(server, "/metrics", r -> r.body().contains("action=\"NOTIFY_ONCALL\",tenant=\"TENANT_004\",tripwire=\"replica-lag\"} 1.0")
                        && r.body().contains("action=\"REQUIRE_HITL\",tenant=\"TENANT_005\",tripwire=\"residency-violation\"} 1.0")
                        && r.body().contains("reason=\"bad-magic-byte\"} 1.0")
                        && r.body().contains("tripwire_latency_p95_seconds{op=\"READ\",tenant=\"TENANT_004\"} 0."));
                // a scrape is not a snapshot: scrape once more, after everything the markers follow
                String s = get(server, "/metrics").body();

                // 1,000 good + 4 bad api requests: remaining = 1 - (4/1004)/(1 - 0.999)
                assertThat(value(s, "tripwire_error_budget_remaining{service=\"api\",tenant=\"TENANT_004\",window=\"24h\"}"))
                        .isEqualTo(1.0 - (4.0 / 1004) / (1.0 - 0.999));
                assertThat(value(s, "tripwire_burn_rate{service=\"api\",tenant=\"TENANT_004\",window=\"1h\"}"))
                        .isEqualTo((4.0 / 1004) / (1.0 - 0.999));
                // latencies 1..100 ms, ten of each, in [09:56, 10:01): nearest-rank p95 = 95 ms, p99 = 99 ms,
                // as the upper edge of their HdrHistogram bucket (at most 0.1% above)
                assertThat(value(s, "tripwire_latency_p95_seconds{op=\"READ\",tenant=\"TENANT_004\"}")).isBetween(0.095, 0.095 * 1.001);
                assertThat(value(s, "tripwire_latency_p99_seconds{op=\"READ\",tenant=\"TENANT_004\"}")).isBetween(0.099, 0.099 * 1.001);
                assertThat(value(s, "tripwire_replica_lag_seconds{series=\"" + LAG_SERIES + "\",tenant=\"TENANT_004\"}")).isEqualTo(72.0);
                assertThat(value(s, "tripwire_actions_total{action=\"ROLLBACK_LAST_STEP\",tenant=\"TENANT_004\",tripwire=\"error-budget\"}"))
                        .isEqualTo(1.0);
                assertThat(value(s, "tripwire_actions_total{action=\"STOP_RAMP\",tenant=\"TENANT_004\",tripwire=\"replica-lag\"}"))
                        .isEqualTo(1.0);
                assertThat(value(s, "tripwire_policy_decisions_total{decision=\"DENY\",policy=\"residency\",purpose=\"investigation\",tenant=\"TENANT_005\"}"))
                        .isEqualTo(1.0);
                assertThat(value(s, "tripwire_residency_hold_last_timestamp_seconds{tenant=\"TENANT_005\"}"))
                        .isEqualTo(live.toEpochMilli() / 1000.0);
                assertThat(value(s, "tripwire_dead_letters_total{reason=\"bad-magic-byte\"}")).isEqualTo(1.0);
                // the three live residency actions are timed; the seven of 2025 are a replay of old data
                assertThat(value(s, "tripwire_processing_latency_seconds_count")).isEqualTo(3.0);
                assertThat(value(s, "tripwire_processing_latency_skipped_total")).isEqualTo(7.0);
                assertThat(value(s, "tripwire_tenants_dropped_total")).isEqualTo(0.0);
                // Kafka Streams' own client metrics, which the consumer-lag alert reads
                assertThat(s).contains("kafka_consumer_fetch_manager_records_lag_max{");
                assertThat(s).doesNotContain("dpo@example.org").doesNotContain("ing-live");
            }
        }
    }

    /** TENANT_004: a ramp step, 1,000 good READs (1..100 ms) then four 503s, replica lag 72 s for 5 min; TENANT_005: a live residency DENY. */
    private static List<SpecificRecord> events(Instant live) {
        List<SpecificRecord> events = new ArrayList<>();
        events.add(rollout(at("2025-10-06T09:00:00Z"), "TENANT_004", 10, 2));
        for (int i = 0; i < 1000; i++) {
            events.add(request(at("2025-10-06T10:00:00Z").plusMillis(60L * i), "TENANT_004", "api", "READ", 200, 1 + (i % 100)));
        }
        // passes 10:01 + 30 s grace: the 10:01 boundary is evaluated over [09:56, 10:01)
        for (int i = 0; i < 4; i++) { // four 5xx among 1,004 reach e >= 20 (SPEC 3 "Significance"; three do not)
            events.add(request(at("2025-10-06T10:02:00Z").plusSeconds(i), "TENANT_004", "api", "READ", 503, 80));
        }
        for (int i = 0; i <= 10; i++) {
            events.add(metric(at("2025-10-06T10:00:00Z").plusSeconds(30L * i), "TENANT_004", "pg_replica_lag_seconds", 72.0,
                    Map.of("replica", "db-2")));
        }
        events.add(policy(live, "TENANT_005", "ing-live", "DENY", "residency"));
        return events;
    }

    private HttpResponse<String> get(MetricsServer server, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** GETs {@code path} until {@code done} holds, or fails with the last response after 120 s. */
    private HttpResponse<String> await(MetricsServer server, String path, Predicate<HttpResponse<String>> done) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        HttpResponse<String> r = get(server, path);
        while (!done.test(r)) {
            assertThat(System.nanoTime()).as("GET %s as expected within 120 s; last: %s %s", path, r.statusCode(), r.body())
                    .isLessThan(end);
            Thread.sleep(250);
            r = get(server, path);
        }
        return r;
    }

    private static TopicNames topics(String prefix) {
        TopicNames d = TopicNames.DEFAULTS;
        return new TopicNames(prefix + d.requests(), prefix + d.metrics(), prefix + d.autonomy(), prefix + d.policy(),
                prefix + d.rollout(), prefix + d.overrides(), prefix + d.actions(), prefix + d.results(), prefix + d.deadLetter(),
                prefix + d.signals());
    }

    private static TripwireEngine.Settings settings(TopicNames names) throws Exception {
        return new TripwireEngine.Settings("metrics-it", kafka.bootstrapServers(), Map.of("schema.registry.url", REGISTRY),
                Files.createTempDirectory("metrics-it-state"), names, EngineTopics.ActionFormat.AVRO, Map.of("replication.factor", 1));
    }

    private static void produce(TopicNames names, List<SpecificRecord> events) {
        Map<String, Object> cfg = new HashMap<>(kafka.clientConfig());
        cfg.put("schema.registry.url", REGISTRY);
        AvroSerializer<SpecificRecord> values = new AvroSerializer<>();
        values.configure(cfg, false);
        try (KafkaProducer<String, SpecificRecord> p = new KafkaProducer<>(cfg, new StringSerializer(), values)) {
            for (SpecificRecord e : events) {
                String tenant = (String) e.get(e.getSchema().getField("tenant").pos());
                String topic = switch (e.getSchema().getName()) {
                    case "RequestLatency" -> names.requests();
                    case "MetricSample" -> names.metrics();
                    case "PolicyDecision" -> names.policy();
                    case "RolloutStep" -> names.rollout();
                    default -> throw new IllegalArgumentException(e.getSchema().getName());
                };
                p.send(new ProducerRecord<>(topic, tenant, e));
            }
            p.flush();
        }
    }

    private static void produceBytes(String topic, String key, byte[] value) {
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(kafka.clientConfig(), new StringSerializer(), new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(topic, key, value));
            p.flush();
        }
    }
}
