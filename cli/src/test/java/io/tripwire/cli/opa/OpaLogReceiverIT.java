package io.tripwire.cli.opa;

import io.tripwire.kafka.EmbeddedKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** OPA's decision-log upload (POST /logs, a gzip-compressed JSON array), stored on a real broker before OPA gets its 204. */
class OpaLogReceiverIT {

    private static EmbeddedKafka kafka;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void startBroker() throws Exception {
        kafka = EmbeddedKafka.builder().build().start();
        try (Admin admin = Admin.create(kafka.adminConfig())) {
            admin.createTopics(List.of(new NewTopic("opa-decision-logs", 2, (short) 1))).all().get();
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

    @Test
    void storesEveryEventOfAnUploadBeforeAnsweringAndRefusesWhatIsNotOne() throws Exception {
        try (OpaLogReceiver r = new OpaLogReceiver(new InetSocketAddress("127.0.0.1", 0), kafka.clientConfig(), "opa-decision-logs",
                "input.tenant", 30_000)) {
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
        try (OpaLogReceiver r = new OpaLogReceiver(new InetSocketAddress("127.0.0.1", 0), nowhere, "opa-decision-logs", "input.tenant", 1_000)) {
            HttpResponse<String> resp = post(r.address(), "/logs", gzip(UPLOAD), true);
            assertThat(resp.statusCode()).isEqualTo(503); // not 2xx: OPA keeps the chunk and retries
            assertThat(r.events()).isZero();
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
