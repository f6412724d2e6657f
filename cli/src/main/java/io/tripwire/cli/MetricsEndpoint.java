package io.tripwire.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tripwire.engine.TripwireEngine;

import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The engine's Prometheus endpoint: {@code GET /metrics} (Kafka Streams client, thread, task and
 * store metrics, JVM metrics, {@code tripwire_engine_running}) and {@code GET /healthz} (200 when
 * the engine is RUNNING, else 503 with its state), for scrapers and readiness probes.
 */
final class MetricsEndpoint implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor;
    private final KafkaStreamsMetrics streamsMetrics;
    private final JvmGcMetrics gcMetrics;
    private final PrometheusMeterRegistry registry;

    private MetricsEndpoint(HttpServer server, ExecutorService executor, KafkaStreamsMetrics streamsMetrics, JvmGcMetrics gcMetrics,
                            PrometheusMeterRegistry registry) {
        this.server = server;
        this.executor = executor;
        this.streamsMetrics = streamsMetrics;
        this.gcMetrics = gcMetrics;
        this.registry = registry;
    }

    /** Binds {@code host:port} and serves until {@link #close()}. */
    static MetricsEndpoint start(String host, int port, TripwireEngine engine) throws IOException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(engine.streams());
        streamsMetrics.bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        Gauge.builder("tripwire.engine.running", engine, e -> e.ready() ? 1 : 0)
                .description("1 while the engine is RUNNING (processing), else 0").register(registry);
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (BindException e) {
            streamsMetrics.close();
            gc.close();
            throw new IllegalStateException("cannot serve metrics on " + host + ":" + port + " (" + e.getMessage()
                    + "); change metrics.host/port in the config, or set metrics.port: 0 to turn the endpoint off");
        }
        server.createContext("/metrics", x -> reply(x, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
        server.createContext("/healthz", x -> {
            boolean up = engine.ready();
            reply(x, up ? 200 : 503, "text/plain; charset=utf-8", engine.streams().state() + "\n");
        });
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "tripwire-metrics");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.start();
        return new MetricsEndpoint(server, executor, streamsMetrics, gc, registry);
    }

    /** The address actually bound (port 0 in tests picks a free one). */
    InetSocketAddress address() {
        return server.getAddress();
    }

    private static void reply(HttpExchange x, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", type);
        x.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        streamsMetrics.close();
        gcMetrics.close();
        registry.close();
    }
}
