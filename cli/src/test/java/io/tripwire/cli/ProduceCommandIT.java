package io.tripwire.cli;

import io.tripwire.json.JsonForm;
import io.tripwire.kafka.EmbeddedKafka;
import io.tripwire.schemas.MetricSample;
import io.tripwire.schemas.PolicyDecision;
import io.tripwire.schemas.RequestLatency;
import io.tripwire.wire.AvroDeserializer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code tripwire produce} against a real broker: events reach the topic of their type, bad lines are reported. */
class ProduceCommandIT {

    private static EmbeddedKafka kafka;

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeAll
    static void startBroker() {
        // the events are dated 2025 and produce stamps records with their event time: keep them past the first retention check
        kafka = EmbeddedKafka.builder().brokerProperty("log.retention.ms", "-1").build().start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    private int produce(String... args) {
        return new CommandLine(new ProduceCommand()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute(args);
    }

    private Path eventsWithOneBadLine() throws Exception {
        return Files.writeString(dir.resolve("events.jsonl"), String.join("\n",
                "{\"type\":\"request\",\"ts\":\"2025-10-06T10:00:00Z\",\"tenant\":\"TENANT_004\",\"service\":\"api\",\"op\":\"READ\",\"status\":200,\"latencyMs\":212.5}",
                "{\"type\":\"request\",\"ts\":\"2025-10-06T10:00:01Z\",\"tenant\":\"TENANT_004\",\"service\":\"api\",\"op\":\"WRITE\",\"status\":503,\"latencyMs\":80}",
                "",
                "{\"type\":\"request\",\"ts\":\"2025-10-06T10:00:02Z\",\"tenant\":\"TENANT_009\",\"service\":\"api\",\"op\":\"READ\",\"status\":200}",
                "{\"type\":\"policy\",\"ts\":\"2025-10-06T10:00:03Z\",\"tenant\":\"TENANT_005\",\"opId\":\"ing-9\",\"decision\":\"DENY\",\"policy\":\"residency\"}",
                "{\"type\":\"metric\",\"ts\":1759744804000,\"tenant\":\"TENANT_004\",\"name\":\"pg_replica_lag_seconds\",\"value\":72.0,\"labels\":{\"replica\":\"db-2\"}}",
                ""));
    }

    @Test
    void jsonLinesGoToTheTopicOfTheirTypeAndABadLineIsReportedWithExitCode1() throws Exception {
        String prefix = "json.";
        kafka.createTopics(2, prefix + "request-latency", prefix + "policy-decisions", prefix + "metric-samples");

        int code = produce("--input", eventsWithOneBadLine().toString(), "--format", "json", "--topic-prefix", prefix,
                "--bootstrap-server", kafka.bootstrapServers());

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("line 4: field 'latencyMs': missing");
        assertThat(out.toString()).contains("sent 4 events", "4 acknowledged", "1 lines rejected");
        List<ConsumerRecord<String, byte[]>> got = TopicReader.read(kafka,
                List.of(prefix + "request-latency", prefix + "policy-decisions", prefix + "metric-samples"), 4);
        assertThat(got).hasSize(4);
        assertThat(got).filteredOn(r -> r.topic().equals(prefix + "request-latency"))
                .extracting(ConsumerRecord::key).containsExactlyInAnyOrder("TENANT_004", "TENANT_004");
        assertThat(got).filteredOn(r -> r.topic().equals(prefix + "policy-decisions")).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("TENANT_005");
            PolicyDecision p = JsonForm.parse(new String(r.value(), StandardCharsets.UTF_8), PolicyDecision.class);
            assertThat(p.getOpId()).isEqualTo("ing-9");
        });
        assertThat(got).filteredOn(r -> r.topic().equals(prefix + "metric-samples")).singleElement().satisfies(r ->
                assertThat(JsonForm.parse(new String(r.value(), StandardCharsets.UTF_8), MetricSample.class).getValue()).isEqualTo(72.0));
    }

    @Test
    void avroValuesUseTheSchemaRegistryWireFormat() throws Exception {
        String prefix = "avro.";
        kafka.createTopics(2, prefix + "request-latency", prefix + "policy-decisions", prefix + "metric-samples");
        String registry = "mock://produce-it";

        int code = produce("--input", eventsWithOneBadLine().toString(), "--topic-prefix", prefix,
                "--bootstrap-server", kafka.bootstrapServers(), "--schema-registry-url", registry);

        assertThat(code).isEqualTo(1);
        List<ConsumerRecord<String, byte[]>> requests = TopicReader.read(kafka, List.of(prefix + "request-latency"), 2);
        AvroDeserializer<RequestLatency> avro = new AvroDeserializer<>(RequestLatency.class);
        avro.configure(Map.of("schema.registry.url", registry), false);
        assertThat(requests).extracting(r -> r.value()[0]).containsOnly((byte) 0);
        assertThat(requests).extracting(r -> avro.deserialize(r.topic(), r.value()).getStatus()).containsExactlyInAnyOrder(200, 503);
        // the record timestamp is the event time, so replay --from/--to finds the events; the broker's default
        // retention would delete such old records soon, which produce warns about
        assertThat(requests).extracting(ConsumerRecord::timestamp).containsExactlyInAnyOrder(
                Instant.parse("2025-10-06T10:00:00Z").toEpochMilli(), Instant.parse("2025-10-06T10:00:01Z").toEpochMilli());
        assertThat(err.toString()).contains("warning: 4 events are more than 7 days old");
    }

    @Test
    void syntheticTrafficIsRateLimitedAndAllArrives() {
        String prefix = "syn.";
        kafka.createTopics(3, prefix + "request-latency");

        int code = produce("--synthetic", "--tenants", "3", "--rate", "200", "--duration", "2s", "--error-rate", "0.5",
                "--seed", "7", "--format", "json", "--topic-prefix", prefix, "--bootstrap-server", kafka.bootstrapServers());

        assertThat(code).isZero();
        Matcher m = Pattern.compile("sent ([\\d,]+) events in ([\\d.]+) s \\(([\\d,.]+) events/s\\), ([\\d,]+) acknowledged").matcher(out.toString());
        assertThat(m.find()).as(out.toString()).isTrue();
        int sent = Integer.parseInt(m.group(1).replace(",", ""));
        assertThat(Integer.parseInt(m.group(4).replace(",", ""))).isEqualTo(sent);
        // the pacer schedules event i at i/rate: at most rate x duration (+1 for event 0) fit in the run
        assertThat(sent).isBetween(1, 401);
        List<ConsumerRecord<String, byte[]>> got = TopicReader.read(kafka, List.of(prefix + "request-latency"), sent);
        assertThat(got).hasSize(sent);
        List<RequestLatency> events = got.stream()
                .map(r -> JsonForm.parse(new String(r.value(), StandardCharsets.UTF_8), RequestLatency.class)).toList();
        assertThat(got).allSatisfy(r -> assertThat(r.key()).isIn("TENANT_000", "TENANT_001", "TENANT_002"));
        assertThat(events).extracting(RequestLatency::getStatus).contains(200, 503).containsOnly(200, 503);
        assertThat(events).allSatisfy(e -> assertThat(e.getLatencyMs()).isPositive());
    }
}
