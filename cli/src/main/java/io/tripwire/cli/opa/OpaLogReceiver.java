package io.tripwire.cli.opa;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsServer;
import io.tripwire.cli.ByteSizeConverter;
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
 *
 * <p>Who may upload is the {@link UploadGuard}'s: a bearer token (401 without it, before the body is
 * read), client certificates (the TLS handshake refuses a client without one), and limits on the
 * body as sent and once gunzipped, enforced while it streams in (413). A refused upload produces
 * nothing. Refusals are counted and warned about at most once a minute, so that a client without
 * credentials cannot flood the log.
 */
public final class OpaLogReceiver implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OpaLogReceiver.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final HttpServer server;
    private final KafkaProducer<byte[], byte[]> producer;
    private final UploadGuard guard;
    private final String topic;
    private final String tenantPath;
    private final long sendTimeoutMs;
    private final AtomicLong uploads = new AtomicLong();
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong unauthorized = new AtomicLong();
    private final AtomicLong tooLarge = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);

    /**
     * @param guard          credentials and body limits; without credentials only a loopback address is accepted
     * @param producerConfig client settings (bootstrap, security); idempotence and acks=all are set here
     * @param tenantPath     where the tenant is in an event ({@code input.tenant}): the record key, so a
     *                       tenant's decisions stay in order on one partition
     * @throws IllegalArgumentException when {@code listen} is not a loopback address and the guard has no credentials
     */
    public OpaLogReceiver(InetSocketAddress listen, UploadGuard guard, Map<String, Object> producerConfig, String topic,
                          String tenantPath, long sendTimeoutMs) throws IOException {
        guard.exposure(listen); // refuses before anything is bound or connected
        this.guard = guard;
        this.topic = topic;
        this.tenantPath = tenantPath;
        this.sendTimeoutMs = sendTimeoutMs;
        if (guard.tls() != null) {
            HttpsServer https = HttpsServer.create(listen, 64);
            https.setHttpsConfigurator(guard.tls().configurator());
            this.server = https;
        } else {
            this.server = HttpServer.create(listen, 64);
        }
        Map<String, Object> cfg = new java.util.HashMap<>(producerConfig);
        cfg.put("acks", "all");
        cfg.put("enable.idempotence", true);
        cfg.putIfAbsent("client.id", "tripwire-opa-logs");
        try {
            this.producer = new KafkaProducer<>(cfg, new ByteArraySerializer(), new ByteArraySerializer());
        } catch (RuntimeException e) {
            server.stop(0); // bound but never started: free the port
            throw e;
        }
        guard.exposure(server.getAddress()).ifPresent(LOG::warn); // with the port actually bound
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

    /** Requests refused with 401: no bearer token, or not the right one. */
    public long unauthorized() {
        return unauthorized.get();
    }

    /** Requests refused with 413: a body over --max-body as sent or over --max-decompressed once gunzipped. */
    public long tooLarge() {
        return tooLarge.get();
    }

    /** Requests refused with 400: not a gzip or JSON array of decision-log events. */
    public long malformed() {
        return malformed.get();
    }

    /** Whether it serves HTTPS. */
    public boolean https() {
        return guard.tls() != null;
    }

    private void logs(HttpExchange ex) throws IOException {
        try (ex) {
            if (!authorized(ex)) {
                return;
            }
            if (!ex.getRequestMethod().equals("POST")) {
                ex.getResponseHeaders().add("Allow", "POST");
                answer(ex, 405, "POST decision-log events here (OPA's decision_logs service upload)\n");
                return;
            }
            List<JsonNode> batch;
            try {
                batch = read(ex);
            } catch (LimitedInputStream.TooLarge e) {
                refuse(ex, 413, tooLarge, e.getMessage());
                return;
            } catch (IOException | IllegalArgumentException e) {
                refuse(ex, 400, malformed, "not a decision-log upload: " + e.getMessage());
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

    /** True when the upload may go on; otherwise it has been answered with 401. */
    private boolean authorized(HttpExchange ex) throws IOException {
        if (guard.token() == null) {
            return true;
        }
        BearerToken.Check check = guard.token().check(ex.getRequestHeaders().getFirst("Authorization"));
        if (check == BearerToken.Check.ACCEPTED) {
            return true;
        }
        // RFC 6750: the challenge names the scheme; a token that was sent but is wrong is an invalid_token
        ex.getResponseHeaders().add("WWW-Authenticate", check == BearerToken.Check.WRONG
                ? "Bearer realm=\"tripwire opa-logs\", error=\"invalid_token\"" : "Bearer realm=\"tripwire opa-logs\"");
        refuse(ex, 401, unauthorized, check == BearerToken.Check.WRONG ? "the bearer token is not the one configured"
                : "a bearer token is required (Authorization: Bearer <token>; OPA: services.<name>.credentials.bearer)");
        return false;
    }

    /**
     * The upload's events: a JSON array of objects, gzip-compressed when Content-Encoding says so. The
     * body is parsed as it streams in, through a limit on the bytes as sent and one on the bytes once
     * gunzipped, so neither a large body nor a gzip bomb is read past its limit.
     */
    private List<JsonNode> read(HttpExchange ex) throws IOException {
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        String overBody = "the request body is larger than --max-body " + ByteSizeConverter.format(guard.maxBody());
        if (length != null && length.strip().matches("\\d{1,18}") && Long.parseLong(length.strip()) > guard.maxBody()) {
            throw new LimitedInputStream.TooLarge(overBody); // said up front: not a byte of it need be read
        }
        InputStream body = new LimitedInputStream(ex.getRequestBody(), guard.maxBody(), overBody);
        String encoding = ex.getRequestHeaders().getFirst("Content-Encoding");
        if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("gzip")) {
            body = new GZIPInputStream(body);
        }
        body = new LimitedInputStream(body, guard.maxDecompressed(),
                "the decompressed request body is larger than --max-decompressed " + ByteSizeConverter.format(guard.maxDecompressed()));
        JsonNode root = JSON.readTree(body);
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

    /** Answers a refused upload, counts it, and warns about it unless another refusal was warned about within the minute. */
    private void refuse(HttpExchange ex, int status, AtomicLong counter, String why) throws IOException {
        counter.incrementAndGet();
        long now = System.nanoTime();
        long last = lastWarning.get();
        if (now - last >= WARN_EVERY_NANOS && lastWarning.compareAndSet(last, now)) {
            LOG.warn("refused an upload from {} with {}: {} (refused so far: {} without valid credentials, {} too large, {} malformed; "
                    + "the next warning in a minute at the earliest)", ex.getRemoteAddress(), status, why, unauthorized.get(),
                    tooLarge.get(), malformed.get());
        } else {
            LOG.debug("refused an upload from {} with {}: {}", ex.getRemoteAddress(), status, why);
        }
        if (status == 413) {
            // the rest of the body stays unread: close the connection rather than read it to find the next request
            ex.getResponseHeaders().add("Connection", "close");
        }
        answer(ex, status, why + "\n");
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
