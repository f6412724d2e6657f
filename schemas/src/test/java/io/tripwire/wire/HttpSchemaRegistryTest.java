package io.tripwire.wire;

import io.tripwire.schemas.MetricSample;
import io.tripwire.schemas.RequestLatency;
import io.tripwire.testing.SampleRecords;
import org.apache.avro.SchemaBuilder;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class HttpSchemaRegistryTest {

    private FakeConfluentRegistry fake;
    private SchemaRegistry registry;

    @BeforeEach
    void startRegistry() throws IOException {
        fake = new FakeConfluentRegistry("gateway", "s3cret");
        registry = SchemaRegistries.fromConfig(Map.of(
                "schema.registry.url", fake.url().toString(),
                "basic.auth.credentials.source", "USER_INFO",
                "basic.auth.user.info", "gateway:s3cret"));
    }

    @AfterEach
    void stopRegistry() {
        fake.close();
    }

    @Test
    void registersWithTheConfluentContentTypeAndGetsTheSameIdAgain() {
        // when
        int first = registry.register("request-latency-value", RequestLatency.getClassSchema());
        int second = registry.register("request-latency-value", RequestLatency.getClassSchema());

        // then
        assertThat(second).isEqualTo(first);
        assertThat(fake.requests).containsExactly("POST /subjects/request-latency-value/versions");
        assertThat(fake.contentTypes).containsOnly("application/vnd.schemaregistry.v1+json");
    }

    @Test
    void readsASchemaByIdOnceAndThenFromItsCache() {
        // given: the schema was registered by someone else
        SchemaRegistry other = SchemaRegistries.fromConfig(Map.of("schema.registry.url", fake.url().toString(),
                "basic.auth.user.info", "gateway:s3cret"));
        int id = other.register("metric-samples-value", MetricSample.getClassSchema());
        fake.requests.clear();

        // when
        var once = registry.byId(id);
        var twice = registry.byId(id);

        // then
        assertThat(once).isEqualTo(MetricSample.getClassSchema()).isSameAs(twice);
        assertThat(fake.requests).containsExactly("GET /schemas/ids/" + id);
    }

    @Test
    void readsTheLatestVersionOfASubject() {
        // given
        registry.register("rollout-steps-value", SchemaBuilder.record("Old").fields().endRecord());
        int id = registry.register("rollout-steps-value", io.tripwire.schemas.RolloutStep.getClassSchema());

        // when
        RegisteredSchema latest = registry.latest("rollout-steps-value");

        // then
        assertThat(latest).isEqualTo(new RegisteredSchema("rollout-steps-value", 2, id, io.tripwire.schemas.RolloutStep.getClassSchema()));
        assertThat(fake.requests).contains("GET /subjects/rollout-steps-value/versions/latest");
    }

    @Test
    void explainsA404WithTheRegistrysErrorCodeAndMessage() {
        SchemaRegistryException e = catchThrowableOfType(SchemaRegistryException.class, () -> registry.byId(42));

        assertThat(e.notFound()).isTrue();
        assertThat(e.status()).isEqualTo(404);
        assertThat(e.errorCode()).isEqualTo(40403);
        assertThat(e).hasMessage("schema registry " + fake.url() + " answered 404 to GET /schemas/ids/42: error_code 40403, Schema 42 not found");
    }

    @Test
    void explainsAMissingSubject() {
        SchemaRegistryException e = catchThrowableOfType(SchemaRegistryException.class, () -> registry.latest("nope-value"));

        assertThat(e.errorCode()).isEqualTo(40401);
        assertThat(e).hasMessageContaining("Subject 'nope-value' not found.");
    }

    @Test
    void explainsAnIncompatibleSchema() {
        SchemaRegistryException e = catchThrowableOfType(SchemaRegistryException.class,
                () -> registry.register("x-value", SchemaBuilder.record("Forbidden").fields().endRecord()));

        assertThat(e.status()).isEqualTo(409);
        assertThat(e).hasMessageContaining("incompatible");
    }

    @Test
    void sendsBasicAuthAndNeverShowsTheCredentials() {
        // given: a client without credentials is refused
        SchemaRegistry anonymous = SchemaRegistries.fromConfig(Map.of("schema.registry.url", fake.url().toString()));
        SchemaRegistryException refused = catchThrowableOfType(SchemaRegistryException.class,
                () -> anonymous.register("a-value", RequestLatency.getClassSchema()));

        // when: the configured client registers
        int id = registry.register("a-value", RequestLatency.getClassSchema());

        // then
        assertThat(refused.status()).isEqualTo(401);
        assertThat(id).isPositive();
        assertThat(registry.toString()).doesNotContain("s3cret").doesNotContain("gateway");
        SchemaRegistryException e = catchThrowableOfType(SchemaRegistryException.class, () -> registry.byId(99));
        assertThat(e.getMessage()).doesNotContain("s3cret");
    }

    @Test
    void takesCredentialsFromTheUrlWhenTheSourceIsUrl() {
        String url = "http://gateway:s3cret@127.0.0.1:" + fake.url().getPort();
        SchemaRegistry fromUrl = SchemaRegistries.fromConfig(Map.of("schema.registry.url", url,
                "basic.auth.credentials.source", "URL"));

        assertThat(fromUrl.register("b-value", RequestLatency.getClassSchema())).isPositive();
        assertThat(fromUrl.location()).isEqualTo(fake.url().toString());
    }

    @Test
    void usesTheNextUrlWhenTheFirstDoesNotAnswer() throws IOException {
        // given: a port nobody listens on, then the real registry
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        SchemaRegistry failover = SchemaRegistries.fromConfig(Map.of(
                "schema.registry.url", "http://127.0.0.1:" + deadPort + "," + fake.url(),
                "basic.auth.user.info", "gateway:s3cret", "http.connect.timeout.ms", 1000));

        // when
        int id = failover.register("c-value", RequestLatency.getClassSchema());

        // then
        assertThat(id).isPositive();
        assertThat(failover.latest("c-value").id()).isEqualTo(id);
    }

    @Test
    void servesTheSerdeEndToEnd() {
        // given
        Map<String, Object> config = new HashMap<>();
        config.put("schema.registry.url", fake.url().toString());
        config.put("basic.auth.user.info", "gateway:s3cret");
        Serde<RequestLatency> serde = AvroSerdes.serde(RequestLatency.class, config);

        // when
        byte[] bytes = serde.serializer().serialize("request-latency", SampleRecords.request());
        RequestLatency back = serde.deserializer().deserialize("request-latency", bytes);
        serde.deserializer().deserialize("request-latency", bytes);

        // then: one registration, one lookup by id, then only caches
        assertThat(back).isEqualTo(SampleRecords.request());
        assertThat(fake.requests).containsExactly("POST /subjects/request-latency-value/versions", "GET /schemas/ids/1");
    }

    @Test
    void reportsAnUnknownIdFromAnHttpRegistryAsADecodeError() {
        AvroDeserializer<RequestLatency> d = new AvroDeserializer<>(RequestLatency.class, registry);
        d.configure(Map.of(), false);
        byte[] bytes = {0, 0, 0, 0, 42, 0};

        DecodeException e = catchThrowableOfType(DecodeException.class, () -> d.deserialize("request-latency", bytes));

        assertThat(e.reason()).isEqualTo("unknown-schema-id");
        assertThat(e).hasMessage("request-latency: unknown schema id 42 (registry " + fake.url() + ")");
    }

    @Test
    void wrapsARegistryRefusalWhileSerializing() {
        AvroSerializer<RequestLatency> s = new AvroSerializer<>();
        s.configure(Map.of("schema.registry.url", fake.url().toString()), false);

        SerializationException e = catchThrowableOfType(SerializationException.class,
                () -> s.serialize("request-latency", SampleRecords.request()));

        assertThat(e).hasMessageContaining("request-latency: cannot register the schema of io.tripwire.schemas.RequestLatency")
                .hasMessageContaining("401");
    }
}
