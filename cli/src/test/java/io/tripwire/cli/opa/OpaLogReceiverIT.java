package io.tripwire.cli.opa;

import io.tripwire.kafka.EmbeddedKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * OPA's decision-log upload (POST /logs, a gzip-compressed JSON array), stored on a real broker before OPA gets its 204;
 * and what is refused, over real HTTP and HTTPS: no or a wrong bearer token (401), over-large bodies and gzip bombs (413),
 * clients without a certificate under mutual TLS. A refused upload produces nothing: each test's topic holds exactly the
 * events of the uploads that were let through.
 */
class OpaLogReceiverIT {

    private static EmbeddedKafka kafka;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String TOKEN = "6b1f0c3a9e2d4f5a8b7c6d5e4f3a2b1c";

    @TempDir
    static Path dir;

    @BeforeAll
    static void startBroker() throws Exception {
        kafka = EmbeddedKafka.builder().build().start();
        try (Admin admin = Admin.create(kafka.adminConfig())) {
            admin.createTopics(List.of(new NewTopic("opa-decision-logs", 2, (short) 1), new NewTopic("opa-token", 1, (short) 1),
                    new NewTopic("opa-limits", 1, (short) 1), new NewTopic("opa-https", 1, (short) 1),
                    new NewTopic("opa-mtls", 1, (short) 1))).all().get();
        }
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    /** Two events in OPA's decision-log format (docs: management-decision-logs), as its plugin uploads them. */
    private static final String UPLOAD = "[{\"labels\":{\"app\":\"ingest-api\",\"id\":\"1780d507-aea2-45cc-ae50-fa153c8e4a5a\",\"version\":\"v1.4.0\"},"
            + "\"decision_id\":\"4ca636c1-55e4-417a-b1d8-4aceb67960d1\",\"path\":\"residency/allow\","
            + "\"input\":{\"tenant\":\"TENANT_005\",\"op_id\":\"ing-9\",\"residency_zone\":\"eu\",\"data_zone\":\"us\"},"
            + "\"result\":{\"allow\":false},\"requested_by\":\"[::1]:59943\",\"timestamp\":\"2025-10-06T10:15:00.123456Z\","
            + "\"metrics\":{\"timer_rego_query_eval_ns\":233}},"
            + "{\"labels\":{\"app\":\"ingest-api\"},\"decision_id\":\"9e1f\",\"path\":\"purpose/check\",\"input\":{\"tenant\":\"TENANT_004\"},"
            + "\"result\":true,\"timestamp\":\"2025-10-06T10:16:00Z\"}]";

    private static byte[] gzip(String s) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(b)) {
            z.write(s.getBytes(StandardCharsets.UTF_8));
        }
        return b.toByteArray();
    }

    private static HttpResponse<String> post(InetSocketAddress at, String path, byte[] body, boolean gzip) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + at.getPort() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (gzip) {
            r.header("Content-Encoding", "gzip");
        }
        return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** As OPA's decision_logs plugin sends: to {@code /logs}, gzip when asked, with {@code Authorization} when given. */
    private static HttpResponse<String> post(HttpClient client, String scheme, InetSocketAddress at, byte[] body, boolean gzip,
                                             String authorization) throws Exception {
        return post(client, scheme, at, HttpRequest.BodyPublishers.ofByteArray(body), gzip, authorization);
    }

    private static HttpResponse<String> post(HttpClient client, String scheme, InetSocketAddress at, HttpRequest.BodyPublisher body,
                                             boolean gzip, String authorization) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + at.getPort() + "/logs"))
                .header("Content-Type", "application/json").POST(body).timeout(Duration.ofSeconds(30));
        if (gzip) {
            r.header("Content-Encoding", "gzip");
        }
        if (authorization != null) {
            r.header("Authorization", authorization);
        }
        return client.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpClient https(SSLContext context) {
        return HttpClient.newBuilder().sslContext(context).version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    }

    private static UploadGuard tokenGuard(long maxBody, long maxDecompressed) throws Exception {
        return new UploadGuard(BearerToken.read(Files.writeString(dir.resolve("opa-token"), TOKEN + "\n")), null, maxBody, maxDecompressed);
    }

    private static OpaLogReceiver receiver(String host, UploadGuard guard, String topic) throws Exception {
        return new OpaLogReceiver(new InetSocketAddress(host, 0), guard, kafka.clientConfig(), topic, "input.tenant", 30_000);
    }

    @Test
    void storesEveryEventOfAnUploadBeforeAnsweringAndRefusesWhatIsNotOne() throws Exception {
        try (OpaLogReceiver r = new OpaLogReceiver(new InetSocketAddress("127.0.0.1", 0), UploadGuard.open(), kafka.clientConfig(),
                "opa-decision-logs", "input.tenant", 30_000)) {
            // as OPA's decision_logs plugin sends: gzip, to <service url>/logs (or /logs/<partition_name>)
            assertThat(post(r.address(), "/logs", gzip(UPLOAD), true).statusCode()).isEqualTo(204);
            assertThat(post(r.address(), "/logs/edge", UPLOAD.getBytes(StandardCharsets.UTF_8), false).statusCode()).isEqualTo(204);
            assertThat(r.events()).isEqualTo(4); // counted once the broker acknowledged them

            HttpResponse<String> bad = post(r.address(), "/logs", gzip("{\"not\":\"an array\"}"), true);
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("expected a JSON array of decision-log events");
            assertThat(post(r.address(), "/logs", "garbage".getBytes(StandardCharsets.UTF_8), true).statusCode()).isEqualTo(400);
            assertThat(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + r.address().getPort() + "/logs")).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);

            List<ConsumerRecord<String, String>> stored = read("opa-decision-logs", 4);
            assertThat(stored).hasSize(4);
            assertThat(stored).extracting(ConsumerRecord::key).containsExactlyInAnyOrder("TENANT_005", "TENANT_004", "TENANT_005", "TENANT_004");
            assertThat(stored).allSatisfy(c -> assertThat(c.value()).startsWith("{").contains("\"decision_id\""));
        }
    }

    @Test
    void aBrokerThatDoesNotAcknowledgeMakesOpaSendTheUploadAgain() throws Exception {
        Map<String, Object> nowhere = new HashMap<>(Map.of("bootstrap.servers", "127.0.0.1:1", "max.block.ms", 500));
        try (OpaLogReceiver r = new OpaLogReceiver(new InetSocketAddress("127.0.0.1", 0), UploadGuard.open(), nowhere, "opa-decision-logs",
                "input.tenant", 1_000)) {
            HttpResponse<String> resp = post(r.address(), "/logs", gzip(UPLOAD), true);
            assertThat(resp.statusCode()).isEqualTo(503); // not 2xx: OPA keeps the chunk and retries
            assertThat(r.events()).isZero();
        }
    }

    @Test
    void anUploadWithoutTheTokenOrWithAWrongOneIs401AndProducesNothing() throws Exception {
        // with a token the receiver may listen on every address
        try (OpaLogReceiver r = receiver("0.0.0.0", tokenGuard(UploadGuard.DEFAULT_MAX_BODY, UploadGuard.DEFAULT_MAX_DECOMPRESSED),
                "opa-token")) {
            HttpResponse<String> none = post(HTTP, "http", r.address(), gzip(UPLOAD), true, null);
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"tripwire opa-logs\"");
            assertThat(none.body()).contains("a bearer token is required");

            HttpResponse<String> wrong = post(HTTP, "http", r.address(), gzip(UPLOAD), true, "Bearer " + TOKEN.replace('6', '7'));
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(wrong.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"tripwire opa-logs\", error=\"invalid_token\"");
            assertThat(post(HTTP, "http", r.address(), gzip(UPLOAD), true, "Basic " + TOKEN).statusCode()).isEqualTo(401);
            assertThat(post(HTTP, "http", r.address(), gzip(UPLOAD), true, "Bearer " + TOKEN + "0").statusCode()).isEqualTo(401);
            assertThat(r.unauthorized()).isEqualTo(4);
            assertThat(stored("opa-token")).isZero();

            // OPA's credentials.bearer sends "Bearer <token>"; the upload is produced as before
            assertThat(post(HTTP, "http", r.address(), gzip(UPLOAD), true, "Bearer " + TOKEN).statusCode()).isEqualTo(204);
            assertThat(r.events()).isEqualTo(2);
            assertThat(stored("opa-token")).isEqualTo(2);
            assertThat(read("opa-token", 2)).extracting(ConsumerRecord::key).containsExactly("TENANT_005", "TENANT_004");
        }
    }

    @Test
    void bodiesOverEitherLimitAre413WhileTheyStreamInAndProduceNothing() throws Exception {
        String auth = "Bearer " + TOKEN;
        try (OpaLogReceiver r = receiver("127.0.0.1", tokenGuard(4 * 1024, 512 * 1024), "opa-limits")) {
            byte[] big = ("[" + " ".repeat(16 * 1024) + "]").getBytes(StandardCharsets.UTF_8);
            // said up front by Content-Length
            HttpResponse<String> declared = post(HTTP, "http", r.address(), big, false, auth);
            assertThat(declared.statusCode()).isEqualTo(413);
            assertThat(declared.body()).isEqualTo("the request body is larger than --max-body 4KB\n");
            // chunked, no length: found out while reading
            HttpResponse<String> chunked = post(HTTP, "http", r.address(),
                    HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)), false, auth);
            assertThat(chunked.statusCode()).isEqualTo(413);

            // a gzip bomb: 3 KB on the wire, 3 MB of JSON whitespace once inflated, stopped at 512 KB
            byte[] bomb = gzip("[" + " ".repeat(3 * 1024 * 1024) + "]");
            assertThat(bomb.length).isLessThan(4 * 1024);
            HttpResponse<String> inflated = post(HTTP, "http", r.address(), bomb, true, auth);
            assertThat(inflated.statusCode()).isEqualTo(413);
            assertThat(inflated.body()).isEqualTo("the decompressed request body is larger than --max-decompressed 512KB\n");
            assertThat(r.tooLarge()).isEqualTo(3);
            assertThat(stored("opa-limits")).isZero();

            assertThat(post(HTTP, "http", r.address(), gzip(UPLOAD), true, auth).statusCode()).isEqualTo(204);
            assertThat(stored("opa-limits")).isEqualTo(2);
        }
    }

    @Test
    void httpsWithTheServersCertificateAndTheToken() throws Exception {
        TestPki pki = new TestPki(dir.resolve("https"), false);
        UploadGuard guard = new UploadGuard(BearerToken.of(TOKEN), ServerTls.load(pki.serverPem, pki.serverKeyPem, null),
                UploadGuard.DEFAULT_MAX_BODY, UploadGuard.DEFAULT_MAX_DECOMPRESSED);
        try (OpaLogReceiver r = receiver("127.0.0.1", guard, "opa-https")) {
            assertThat(r.https()).isTrue();
            HttpClient trusting = https(pki.clientContext(false)); // OPA with services.<name>.tls.ca_cert
            assertThat(post(trusting, "https", r.address(), gzip(UPLOAD), true, null).statusCode()).isEqualTo(401);
            assertThatThrownBy(() -> post(HTTP, "https", r.address(), gzip(UPLOAD), true, "Bearer " + TOKEN))
                    .isInstanceOf(SSLHandshakeException.class); // the JDK's trust store does not know the test CA
            assertThat(stored("opa-https")).isZero();

            assertThat(post(trusting, "https", r.address(), gzip(UPLOAD), true, "Bearer " + TOKEN).statusCode()).isEqualTo(204);
            assertThat(stored("opa-https")).isEqualTo(2);
        }
    }

    @Test
    void mutualTlsLetsThroughOnlyAClientWithACertificateSignedByTheClientCa() throws Exception {
        TestPki pki = new TestPki(dir.resolve("mtls"), true); // EC, the server key in SEC1
        UploadGuard guard = new UploadGuard(null, ServerTls.load(pki.serverPem, pki.serverKeyPem, pki.caPem),
                UploadGuard.DEFAULT_MAX_BODY, UploadGuard.DEFAULT_MAX_DECOMPRESSED);
        // client certificates are credentials: every address is allowed
        try (OpaLogReceiver r = receiver("0.0.0.0", guard, "opa-mtls")) {
            // TLS 1.3: the client learns of the refusal only when it reads the answer, from a closed connection
            assertThatThrownBy(() -> post(https(pki.clientContext(false)), "https", r.address(), gzip(UPLOAD), true, null))
                    .isInstanceOf(IOException.class);
            // TLS 1.2 shows where it was refused: in the handshake
            HttpClient tls12 = HttpClient.newBuilder().sslContext(pki.clientContext(false)).version(HttpClient.Version.HTTP_1_1)
                    .sslParameters(new SSLParameters(null, new String[]{"TLSv1.2"})).build();
            assertThatThrownBy(() -> post(tls12, "https", r.address(), gzip(UPLOAD), true, null)).isInstanceOf(SSLHandshakeException.class);
            assertThat(stored("opa-mtls")).isZero();

            // OPA with credentials.client_tls
            assertThat(post(https(pki.clientContext(true)), "https", r.address(), gzip(UPLOAD), true, null).statusCode()).isEqualTo(204);
            assertThat(stored("opa-mtls")).isEqualTo(2);
        }
    }

    @Test
    void withoutCredentialsItRefusesAnAddressOtherHostsReachAndWarnsOnLoopback() throws Exception {
        assertThatThrownBy(() -> receiver("0.0.0.0", UploadGuard.open(), "opa-decision-logs"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("refusing to listen on 0.0.0.0:0 without credentials")
                .hasMessageContaining("Pass --token-file FILE (OPA: credentials.bearer), or --tls-cert, --tls-key and --client-ca");

        PrintStream stderr = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8)); // slf4j-simple writes to the System.err of the moment
        try (OpaLogReceiver r = receiver("127.0.0.1", UploadGuard.open(), "opa-decision-logs")) {
            assertThat(r.address().getPort()).isPositive();
        } finally {
            System.setErr(stderr);
        }
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("WARN", "OpaLogReceiver",
                "accepts uploads without credentials: anyone on this host can post decision-log events");
    }

    /** How many records the topic holds: the end offsets (an idempotent producer writes no markers). */
    private static long stored(String topic) {
        Map<String, Object> cfg = new HashMap<>(kafka.clientConfig());
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(cfg, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = c.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            return c.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private static List<ConsumerRecord<String, String>> read(String topic, int n) {
        Map<String, Object> cfg = new HashMap<>(kafka.clientConfig());
        cfg.put("group.id", "opa-it-" + UUID.randomUUID());
        cfg.put("auto.offset.reset", "earliest");
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(cfg, new StringDeserializer(), new StringDeserializer())) {
            c.subscribe(List.of(topic));
            long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (out.size() < n && System.nanoTime() < end) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
