package io.tripwire.cli.opa;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;

/**
 * Receives OPA's own decision-log upload (the {@code decision_logs} plugin of a service: {@code POST
 * <service url>/logs}, a gzip-compressed JSON array of decision-log events, retried by OPA on any
 * non-2xx answer) and produces each event, one per record, to a topic the engine reads
 * ({@code opa.topic}). The producer is idempotent with {@code acks=all}, and OPA gets its 204 only
 * once the broker has acknowledged every event of the upload: a failed or timed-out send is a 503,
 * so OPA keeps the chunk and sends it again (an event may then arrive twice; the engine's ids are
 * the same for both, so actions deduplicate).
 */
public final class OpaLogReceiver implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OpaLogReceiver.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Most bytes of one uncompressed upload (OPA's chunks are 32 KB compressed by default). */
    static final int MAX_BODY = 64 * 1024 * 1024;

    private final HttpServer server;
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final String tenantPath;
    private final long sendTimeoutMs;
    private final AtomicLong uploads = new AtomicLong();
    private final AtomicLong events = new AtomicLong();

    /**
     * @param producerConfig client settings (bootstrap, security); idempotence and acks=all are set here
     * @param tenantPath     where the tenant is in an event ({@code input.tenant}): the record key, so a
     *                       tenant's decisions stay in order on one partition
     */
    public OpaLogReceiver(InetSocketAddress listen, Map<String, Object> producerConfig, String topic, String tenantPath,
                          long sendTimeoutMs) throws IOException {
        Map<String, Object> cfg = new java.util.HashMap<>(producerConfig);
        cfg.put("acks", "all");
        cfg.put("enable.idempotence", true);
        cfg.putIfAbsent("client.id", "tripwire-opa-logs");
        this.producer = new KafkaProducer<>(cfg, new ByteArraySerializer(), new ByteArraySerializer());
        this.topic = topic;
        this.tenantPath = tenantPath;
        this.sendTimeoutMs = sendTimeoutMs;
        this.server = HttpServer.create(listen, 64);
        server.createContext("/logs", this::logs);
        server.createContext("/health", ex -> answer(ex, 200, "ok\n"));
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "opa-logs-http");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    /** The address it listens on (the real port when 0 was asked for). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    public long uploads() {
        return uploads.get();
    }

    public long events() {
        return events.get();
    }

    private void logs(HttpExchange ex) throws IOException {
        try (ex) {
            if (!ex.getRequestMethod().equals("POST")) {
                ex.getResponseHeaders().add("Allow", "POST");
                answer(ex, 405, "POST decision-log events here (OPA's decision_logs service upload)\n");
                return;
            }
            List<JsonNode> batch;
            try {
                batch = read(ex);
            } catch (IOException | IllegalArgumentException e) {
                LOG.warn("refused an upload from {}: {}", ex.getRemoteAddress(), e.getMessage());
                answer(ex, 400, "not a decision-log upload: " + e.getMessage() + "\n");
                return;
            }
            List<Future<RecordMetadata>> sends = new ArrayList<>(batch.size());
            for (JsonNode event : batch) {
                sends.add(producer.send(new ProducerRecord<>(topic, key(event), JSON.writeValueAsBytes(event))));
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(sendTimeoutMs);
            try {
                for (Future<RecordMetadata> f : sends) {
                    f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                }
            } catch (ExecutionException | TimeoutException e) {
                String why = e instanceof ExecutionException ? e.getCause().getMessage() : "no acknowledgement within " + sendTimeoutMs + " ms";
                LOG.warn("upload of {} events not stored ({}); OPA will send it again", batch.size(), why);
                answer(ex, 503, "not stored: " + why + "\n");
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                answer(ex, 503, "shutting down\n");
                return;
            }
            uploads.incrementAndGet();
            events.addAndGet(batch.size());
            LOG.debug("stored {} decision-log events on {}", batch.size(), topic);
            ex.sendResponseHeaders(204, -1);
        }
    }

    /** The upload's events: a JSON array of objects, gzip-compressed when Content-Encoding says so. */
    private static List<JsonNode> read(HttpExchange ex) throws IOException {
        String encoding = ex.getRequestHeaders().getFirst("Content-Encoding");
        InputStream body = ex.getRequestBody();
        if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("gzip")) {
            body = new GZIPInputStream(body);
        }
        byte[] bytes = body.readNBytes(MAX_BODY + 1);
        if (bytes.length > MAX_BODY) {
            throw new IllegalArgumentException("more than " + MAX_BODY + " bytes");
        }
        JsonNode root = JSON.readTree(bytes);
        if (root == null || !root.isArray()) {
            throw new IllegalArgumentException("expected a JSON array of decision-log events");
        }
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode n : root) {
            if (!n.isObject()) {
                throw new IllegalArgumentException("expected objects in the array, got " + n.getNodeType().name().toLowerCase(Locale.ROOT));
            }
            out.add(n);
        }
        return out;
    }

    private byte[] key(JsonNode event) {
        JsonNode n = event;
        for (String part : tenantPath.split("\\.")) {
            n = n == null ? null : n.get(part);
        }
        return n == null || !n.isValueNode() ? null : n.asText().getBytes(StandardCharsets.UTF_8);
    }

    private static void answer(HttpExchange ex, int status, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    @Override
    public void close() {
        server.stop(1);
        producer.close(java.time.Duration.ofSeconds(10));
    }
}
