package io.tripwire.wire;

import io.tripwire.json.JsonFormException;
import io.tripwire.schemas.MetricSample;
import io.tripwire.schemas.RequestLatency;
import io.tripwire.testing.SampleRecords;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class InputDeserializerTest {

    private static final String REQUEST_JSON = "{\"type\":\"request\",\"ts\":\"2025-10-06T10:00:00.123Z\",\"tenant\":\"TENANT_004\","
            + "\"service\":\"api\",\"op\":\"READ\",\"status\":200,\"latencyMs\":212.5,\"region\":\"eu-west-1\","
            + "\"route\":\"/graphql\",\"requestId\":\"r-1\"}";

    private final String registryName = "input-test-" + UUID.randomUUID();
    private final Map<String, Object> config = Map.of("schema.registry.url", "mock://" + registryName);
    private final Serde<RequestLatency> serde = AvroSerdes.input(RequestLatency.class, config);

    @AfterEach
    void dropRegistry() {
        MockSchemaRegistry.drop(registryName);
    }

    private RequestLatency read(byte[] value) {
        return serde.deserializer().deserialize("request-latency", value);
    }

    private DecodeException refused(byte[] value) {
        return catchThrowableOfType(DecodeException.class, () -> read(value));
    }

    @Test
    void readsAvroAndJsonRecordsFromTheSameTopic() {
        // given
        byte[] avro = serde.serializer().serialize("request-latency", SampleRecords.request());
        byte[] json = REQUEST_JSON.getBytes(StandardCharsets.UTF_8);

        // when / then
        assertThat(read(avro)).isEqualTo(SampleRecords.request());
        assertThat(read(json)).isEqualTo(SampleRecords.request());
    }

    @Test
    void readsJsonWithoutTypeAndAfterLeadingWhitespace() {
        String noType = "\n  " + REQUEST_JSON.replace("\"type\":\"request\",", "");

        assertThat(read(noType.getBytes(StandardCharsets.UTF_8))).isEqualTo(SampleRecords.request());
    }

    @Test
    void refusesJsonOfAnotherKind() {
        DecodeException e = refused("{\"type\":\"metric\",\"ts\":1,\"tenant\":\"T\",\"name\":\"m\",\"value\":1}".getBytes());

        assertThat(e).isInstanceOf(JsonFormException.class);
        assertThat(e.reason()).isEqualTo("wrong-type-for-topic");
        assertThat(e.field()).isEqualTo("type");
        assertThat(e).hasMessage("request-latency: field 'type': this topic carries 'request' records, got type \"metric\"");
    }

    @Test
    void namesTopicAndFieldOfAJsonValueOfTheWrongType() {
        DecodeException e = refused(REQUEST_JSON.replace("212.5", "\"abc\"").getBytes());

        assertThat(e.reason()).isEqualTo("wrong-type");
        assertThat(e.field()).isEqualTo("latencyMs");
        assertThat(e).hasMessage("request-latency: field 'latencyMs': expected a number, got \"abc\"");
    }

    @Test
    void appliesTheValueRulesToAvroRecordsToo() {
        // given: a gateway bug produced a negative latency in Avro
        RequestLatency negative = RequestLatency.newBuilder(SampleRecords.request()).setLatencyMs(-1).build();
        byte[] avro = serde.serializer().serialize("request-latency", negative);

        // when
        DecodeException e = refused(avro);

        // then
        assertThat(e.reason()).isEqualTo("invalid-value");
        assertThat(e.field()).isEqualTo("latencyMs");
        assertThat(e).hasMessage("request-latency: field 'latencyMs': must be finite and >= 0, got -1.0");
    }

    @Test
    void refusesBrokenJson() {
        assertThat(refused("{\"tenant\":".getBytes()).reason()).isEqualTo("bad-json");
    }

    @Test
    void refusesJsonThatIsNotUtf8() {
        assertThat(refused(new byte[] {'{', (byte) 0xc3, (byte) 0x28, '}'}).reason()).isEqualTo("bad-json");
    }

    @Test
    void readsNullAsATombstone() {
        assertThat(read(null)).isNull();
    }

    @Test
    void readsEveryInputTypeFromJson() {
        Serde<MetricSample> metrics = AvroSerdes.input(MetricSample.class, config);
        String json = "{\"type\":\"metric\",\"ts\":\"2025-10-06T10:00:00.123Z\",\"tenant\":\"TENANT_004\","
                + "\"name\":\"pg_replica_lag_seconds\",\"value\":72.0,\"labels\":{\"replica\":\"db-2\"}}";

        assertThat(metrics.deserializer().deserialize("metric-samples", json.getBytes())).isEqualTo(SampleRecords.metric());
    }
}
