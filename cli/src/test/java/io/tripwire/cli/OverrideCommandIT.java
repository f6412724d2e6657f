package io.tripwire.cli;

import io.tripwire.kafka.EmbeddedKafka;
import io.tripwire.schemas.HumanOverride;
import io.tripwire.wire.AvroDeserializer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code tripwire override} against a real broker. */
class OverrideCommandIT {

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.builder().build().start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    @Test
    void sendsOneAvroHumanOverrideKeyedByTenant() throws Exception {
        kafka.createTopics(3, "hitl-overrides");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Instant before = Instant.now().minusMillis(1);

        int code = new CommandLine(new OverrideCommand()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute("--tenant", "TENANT_005", "--tripwire", "residency-violation", "--token", "tok-1", "--by", "dpo@example.org",
                        "--signing-key", "../test-data/story-keys/private.pem", "--key-id", "dpo-2025", "--rules", "../test-data/story-rules.yaml",
                        "--bootstrap-server", kafka.bootstrapServers(), "--schema-registry-url", "mock://override-it");

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).startsWith("sent override to hitl-overrides (partition ")
                .contains("key TENANT_005", "\"tripwire\":\"residency-violation\"", "\"approvalTokenId\":\"tok-1\"");
        List<ConsumerRecord<String, byte[]>> got = TopicReader.read(kafka, List.of("hitl-overrides"), 1);
        assertThat(got).hasSize(1);
        AvroDeserializer<HumanOverride> avro = new AvroDeserializer<>(HumanOverride.class);
        avro.configure(Map.of("schema.registry.url", "mock://override-it"), false);
        ConsumerRecord<String, byte[]> r = got.get(0);
        HumanOverride o = avro.deserialize(r.topic(), r.value());
        assertThat(r.key()).isEqualTo("TENANT_005");
        assertThat(o.getTenant()).isEqualTo("TENANT_005");
        assertThat(o.getTripwire()).isEqualTo("residency-violation");
        assertThat(o.getApprovalTokenId()).isEqualTo("tok-1");
        assertThat(o.getBy()).isEqualTo("dpo@example.org");
        assertThat(o.getTs()).isBetween(before, Instant.now());
        assertThat(Duration.between(o.getTs(), Instant.now())).isLessThan(Duration.ofMinutes(1));
        // signed as SPEC 3 says, valid for the default hour, and the signature survives the Avro round trip
        assertThat(o.getKeyId()).isEqualTo("dpo-2025");
        assertThat(o.getNotAfter()).isEqualTo(o.getTs().plus(Duration.ofHours(1)));
        assertThat(io.tripwire.signing.OverrideSignatures.verifies(o, io.tripwire.signing.Ed25519Keys.readPublic(
                java.nio.file.Path.of("..", "test-data", "story-keys", "public.pem")).get(0))).isTrue();
    }
}
