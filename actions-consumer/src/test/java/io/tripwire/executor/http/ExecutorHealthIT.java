package io.tripwire.executor.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tripwire.executor.Executor;
import io.tripwire.executor.TestActions;
import io.tripwire.executor.config.ExecutorConfig;
import io.tripwire.executor.config.ExecutorConfigLoader;
import io.tripwire.kafka.EmbeddedKafka;
import io.tripwire.observability.MetricsServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.GroupState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The executor's /health on a real broker: 503 until it runs with a partition of the action topic, 200 then. */
class ExecutorHealthIT {

    private static EmbeddedKafka kafka;
    private final HttpClient http = HttpClient.newHttpClient();
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

    @Test
    void healthIs503BeforeAnAssignmentAnd200After() throws Exception {
        // one partition, two instances in one group: exactly one of them can be assigned
        kafka.createTopics(1, "health-actions", "health-results", "health-dead-letter");
        TestActions.withFreshKey().writePublicKey(dir.resolve("keys"));
        PrometheusMeterRegistry firstMeters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        PrometheusMeterRegistry secondMeters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Executor first = Executor.create(config("instance-1"), firstMeters);
        Executor second = Executor.create(config("instance-2"), secondMeters);
        try (MetricsServer firstServer = ExecutorEndpoints.start("127.0.0.1", 0, firstMeters, first);
             MetricsServer secondServer = ExecutorEndpoints.start("127.0.0.1", 0, secondMeters, second)) {
            HttpResponse<String> beforeStart = get(firstServer, "/health");
            assertThat(beforeStart.statusCode()).isEqualTo(503);
            assertThat(beforeStart.body()).isEqualTo("{\"status\":\"DOWN\",\"detail\":\"not running\"}");

            first.start();
            assertThat(first.awaitRunning(Duration.ofSeconds(120))).isTrue();
            awaitHealth(firstServer, "{\"status\":\"UP\",\"detail\":\"1 partition assigned\"}");

            second.start();
            assertThat(second.awaitRunning(Duration.ofSeconds(120))).isTrue();
            awaitStableGroupOfTwo();
            // running, subscribed, ledger restored, but the only partition is the first one's (the range
            // assignor gives it to the lowest member id, and client ids start with the transactional id)
            awaitHealth(secondServer, "{\"status\":\"DOWN\",\"detail\":\"running, no partitions of the action topic assigned\"}");
            awaitHealth(firstServer, "{\"status\":\"UP\",\"detail\":\"1 partition assigned\"}");
            assertThat(get(firstServer, "/metrics").body()).contains("tripwire_executor_results_total{status=\"EXECUTED\"} 0.0")
                    .contains("kafka_consumer_fetch_manager_records_lag_max").contains("kafka_producer_record_send_total");

            first.close();
            awaitHealth(firstServer, "{\"status\":\"DOWN\",\"detail\":\"not running\"}");
            awaitHealth(secondServer, "{\"status\":\"UP\",\"detail\":\"1 partition assigned\"}");
        } finally {
            first.close();
            second.close();
        }
    }

    /** Waits until both instances joined the group and the rebalance is over. */
    private static void awaitStableGroupOfTwo() throws Exception {
        try (Admin admin = Admin.create(kafka.adminConfig())) {
            long end = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (true) {
                ConsumerGroupDescription g = admin.describeConsumerGroups(List.of("health-group")).all().get().get("health-group");
                if (g.groupState() == GroupState.STABLE && g.members().size() == 2) {
                    return;
                }
                assertThat(System.nanoTime()).as("group stable with 2 members within 120 s; last: %s", g).isLessThan(end);
                Thread.sleep(200);
            }
        }
    }

    private ExecutorConfig config(String instance) throws Exception {
        String yaml = "kafka: {bootstrap-servers: \"" + kafka.bootstrapServers() + "\", group-id: health-group"
                + ", transactional-id: health-" + instance + "}\n"
                + "topics: {actions: health-actions, results: health-results, ledger: health-ledger, dead-letter: health-dead-letter}\n"
                + "wire: {format: avro, schema-registry-url: \"mock://health-it\"}\n"
                + "trust: {public-keys: [keys/public.pem]}\n"
                + "handlers:\n  ALERT: {type: log}\n";
        return new ExecutorConfigLoader(Map.of()).read(new ObjectMapper(new YAMLFactory()).readTree(yaml), dir);
    }

    private HttpResponse<String> get(MetricsServer server, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Polls /health until its body is {@code expected} (and the status matches it), or fails after 120 s. */
    private void awaitHealth(MetricsServer server, String expected) throws Exception {
        int status = expected.contains("\"UP\"") ? 200 : 503;
        long end = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        HttpResponse<String> r = get(server, "/health");
        while (!(r.statusCode() == status && r.body().equals(expected))) {
            assertThat(System.nanoTime()).as("/health %s within 120 s; last: %s %s", expected, r.statusCode(), r.body()).isLessThan(end);
            Thread.sleep(200);
            r = get(server, "/health");
        }
    }
}
