package io.tripwire.observability;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The engine's and the executor's HTTP endpoint (JDK {@code HttpServer}, no framework):
 * <ul>
 *   <li>{@code GET /metrics}: the registry in the Prometheus text format 0.0.4;</li>
 *   <li>{@code GET /health}: 200 {@code {"status":"UP","detail":...}} when the health supplier says
 *       up, else 503 {@code {"status":"DOWN","detail":...}} (also 503 when the supplier throws).</li>
 * </ul>
 * Anything else is 404 (unknown path) or 405 (not GET/HEAD). Requests are served on two daemon
 * threads of its own, so a slow scrape never runs on a stream or poll thread and a probe is not
 * stuck behind a scrape. Binds 127.0.0.1 unless told otherwise: in a container set the host to
 * {@code 0.0.0.0}.
 */
public final class MetricsServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);

    /** The engine's default port. */
    public static final int ENGINE_PORT = 9464;
    /** The executor's default port. */
    public static final int EXECUTOR_PORT = 9465;
    /** Default bind address: this host only. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** Content type of {@code /metrics}. */
    public static final String METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final String JSON = "application/json; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService threads;

    private MetricsServer(HttpServer server, ExecutorService threads) {
        this.server = server;
        this.threads = threads;
    }

    /**
     * Binds {@code host:port} (port 0 picks a free one, see {@link #port()}) and starts serving.
     *
     * @throws IOException when the address cannot be bound (e.g. the port is taken)
     */
    public static MetricsServer start(String host, int port, PrometheusMeterRegistry registry, Supplier<Health> health)
            throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
        AtomicInteger n = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "tripwire-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(threads);
        server.createContext("/", exchange -> serve(exchange, registry, health));
        server.start();
        MetricsServer s = new MetricsServer(server, threads);
        LOG.info("serving GET /metrics and GET /health on http://{}:{}", host, s.port());
        return s;
    }

    /** The bound port (the chosen one when started with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The bound address. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** Stops at once: a scrape in flight is cut off. */
    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }

    private static void serve(HttpExchange exchange, PrometheusMeterRegistry registry, Supplier<Health> health) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            if (!path.equals("/metrics") && !path.equals("/health")) {
                send(exchange, 404, JSON, "{\"error\":\"not found: GET /metrics or GET /health\"}");
            } else if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                send(exchange, 405, JSON, "{\"error\":\"method not allowed\"}");
            } else if (path.equals("/metrics")) {
                send(exchange, 200, METRICS_CONTENT_TYPE, registry.scrape());
            } else {
                Health h = check(health);
                send(exchange, h.up() ? 200 : 503, JSON, h.json());
            }
        } catch (RuntimeException e) {
            // the JDK server would otherwise drop the connection without a word
            LOG.warn("serving {} failed: {}", exchange.getRequestURI().getPath(), e.toString());
        }
    }

    private static Health check(Supplier<Health> health) {
        try {
            Health h = health.get();
            return h == null ? Health.down("no health reported") : h;
        } catch (RuntimeException e) {
            // the class only: a message may carry more than a probe should see
            return Health.down("health check failed: " + e.getClass().getSimpleName());
        }
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
