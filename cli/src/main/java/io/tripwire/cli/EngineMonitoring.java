package io.tripwire.cli;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tripwire.engine.TripwireEngine;
import io.tripwire.engine.metrics.EngineMetrics;
import io.tripwire.engine.rules.Rules;
import io.tripwire.engine.topology.EngineObserver;
import io.tripwire.observability.MetricsServer;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The engine's metrics and health, as {@code run} and {@code demo} serve them: the tripwire
 * gauges and counters ({@link EngineMetrics}, fed by the engine as its observer), Kafka Streams
 * and JVM metrics, on {@code GET /metrics} and {@code GET /health} (200 once RUNNING).
 * Start it before the engine, pass {@link #observer()} to the engine, then {@link #bind} it.
 */
public final class EngineMonitoring implements AutoCloseable {

    private final EngineMetrics metrics;
    private final MetricsServer server;
    private final JvmGcMetrics gc;

    private EngineMonitoring(EngineMetrics metrics, MetricsServer server, JvmGcMetrics gc) {
        this.metrics = metrics;
        this.server = server;
        this.gc = gc;
    }

    /** Starts the endpoint on {@code host:port} (port 0: no endpoint, metrics only kept in memory). */
    public static EngineMonitoring start(String host, int port, Rules rules, int maxTenants) throws IOException {
        return create(host, port, port != 0, rules, maxTenants);
    }

    /** As {@link #start}, on a free port the system picks. */
    public static EngineMonitoring startOnFreePort(String host, Rules rules, int maxTenants) throws IOException {
        return create(host, 0, true, rules, maxTenants);
    }

    private static EngineMonitoring create(String host, int port, boolean serve, Rules rules, int maxTenants) throws IOException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        EngineMetrics metrics = new EngineMetrics(registry, rules, maxTenants);
        MetricsServer server = serve ? MetricsServer.start(host, port, registry, metrics::health) : null;
        return new EngineMonitoring(metrics, server, gc);
    }

    public EngineObserver observer() {
        return metrics;
    }

    /** Follows the engine: Kafka Streams client metrics, and health from its state. */
    public void bind(TripwireEngine engine) {
        metrics.bindTo(engine.streams());
    }

    /** Where the endpoint listens, or null when it is off. */
    public InetSocketAddress address() {
        return server == null ? null : server.address();
    }

    @Override
    public void close() {
        metrics.close();
        gc.close();
        if (server != null) {
            server.close();
        }
    }
}
