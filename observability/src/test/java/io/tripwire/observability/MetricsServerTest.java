package io.tripwire.observability;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class MetricsServerTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicReference<Health> health = new AtomicReference<>(Health.down("starting"));
    private final HttpClient http = HttpClient.newHttpClient();
    private MetricsServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesTheRegistryInThePrometheusTextFormat() throws Exception {
        Counter.builder("tripwire.test.things").tag("kind", "a").register(registry).increment(3);
        server = MetricsServer.start("127.0.0.1", 0, registry, health::get);

        HttpResponse<String> r = get("/metrics");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).contains("text/plain; version=0.0.4; charset=utf-8");
        assertThat(r.body()).contains("tripwire_test_things_total{kind=\"a\"} 3.0");
    }

    @Test
    void healthIs503WhileDownAnd200OnceUp() throws Exception {
        server = MetricsServer.start("127.0.0.1", 0, registry, health::get);

        HttpResponse<String> down = get("/health");
        health.set(Health.up("RUNNING"));
        HttpResponse<String> up = get("/health");

        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.body()).isEqualTo("{\"status\":\"DOWN\",\"detail\":\"starting\"}");
        assertThat(down.headers().firstValue("Content-Type")).contains("application/json; charset=utf-8");
        assertThat(up.statusCode()).isEqualTo(200);
        assertThat(up.body()).isEqualTo("{\"status\":\"UP\",\"detail\":\"RUNNING\"}");
    }

    @Test
    void aHealthSupplierThatThrowsIsDownWithoutItsMessage() throws Exception {
        server = MetricsServer.start("127.0.0.1", 0, registry, () -> {
            throw new IllegalStateException("password=hunter2");
        });

        HttpResponse<String> r = get("/health");

        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).isEqualTo("{\"status\":\"DOWN\",\"detail\":\"health check failed: IllegalStateException\"}");
    }

    @Test
    void detailIsEscapedAsJson() {
        assertThat(Health.down("say \"no\"\\\n").json()).isEqualTo("{\"status\":\"DOWN\",\"detail\":\"say \\\"no\\\"\\\\\\n\"}");
    }

    @Test
    void unknownPathsAre404AndOtherMethods405() throws Exception {
        server = MetricsServer.start("127.0.0.1", 0, registry, health::get);

        HttpResponse<String> unknown = get("/metricsx");
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");
    }

    @Test
    void answersTheDockerHealthCheckWhichSpeaksHttp10OverARawSocket() throws Exception {
        health.set(Health.up("RUNNING"));
        server = MetricsServer.start("127.0.0.1", 0, registry, health::get);

        try (Socket s = new Socket("127.0.0.1", server.port())) {
            OutputStream out = s.getOutputStream();
            out.write("GET /health HTTP/1.0\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String status = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            assertThat(status).contains(" 200");
        }
    }
}
