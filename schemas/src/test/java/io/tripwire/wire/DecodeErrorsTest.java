package io.tripwire.wire;

import io.tripwire.schemas.RequestLatency;
import io.tripwire.testing.SampleRecords;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class DecodeErrorsTest {

    private final String registryName = "decode-test-" + UUID.randomUUID();
    private final Map<String, Object> config = Map.of("schema.registry.url", "mock://" + registryName);
    private final AvroDeserializer<RequestLatency> deserializer = new AvroDeserializer<>(RequestLatency.class);

    DecodeErrorsTest() {
        deserializer.configure(config, false);
    }

    @AfterEach
    void dropRegistry() {
        MockSchemaRegistry.drop(registryName);
    }

    private byte[] goodBytes() {
        return AvroSerdes.serde(RequestLatency.class, config).serializer().serialize("request-latency", SampleRecords.request());
    }

    private DecodeException decoding(byte[] bytes) {
        return catchThrowableOfType(DecodeException.class, () -> deserializer.deserialize("request-latency", bytes));
    }

    @Test
    void refusesAnUnknownSchemaIdNamingTopicIdAndRegistry() {
        // given
        byte[] bytes = ByteBuffer.allocate(9).put((byte) 0).putInt(42).putInt(0).array();

        // when
        DecodeException e = decoding(bytes);

        // then
        assertThat(e.reason()).isEqualTo("unknown-schema-id");
        assertThat(e.kind()).isEqualTo(DecodeException.Reason.UNKNOWN_SCHEMA_ID);
        assertThat(e.field()).isNull();
        assertThat(e).hasMessage("request-latency: unknown schema id 42 (registry mock://" + registryName + ")");
    }

    @Test
    void refusesAWrongMagicByte() {
        DecodeException e = decoding("{\"tenant\":\"x\"}".getBytes());

        assertThat(e.reason()).isEqualTo("bad-magic-byte");
        assertThat(e).hasMessageContaining("request-latency: wrong magic byte 0x7b, expected 0x00");
    }

    @ParameterizedTest(name = "cut after {0} bytes")
    @ValueSource(ints = {0, 1, 3, 5, 6, 12, 20})
    void refusesTruncatedBytes(int keep) {
        // given
        byte[] good = goodBytes();
        assertThat(keep).isLessThan(good.length);

        // when
        DecodeException e = decoding(Arrays.copyOf(good, keep));

        // then
        assertThat(e.reason()).isEqualTo("truncated");
        assertThat(e).hasMessageStartingWith("request-latency: ");
    }

    @Test
    void refusesTruncationJustBeforeTheLastByte() {
        byte[] good = goodBytes();

        assertThat(decoding(Arrays.copyOf(good, good.length - 1)).reason()).isEqualTo("truncated");
    }

    @Test
    void refusesGarbageAvroAfterAValidHeader() {
        // given: a registered id followed by bytes that are no RequestLatency (a huge negative string length)
        byte[] good = goodBytes();
        byte[] garbage = new byte[] {0, good[1], good[2], good[3], good[4], (byte) 0x80, 0x01,
                (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 1, 2, 3};

        // when
        DecodeException e = decoding(garbage);

        // then
        assertThat(e.reason()).isIn("bad-avro", "truncated");
        assertThat(e).hasMessageStartingWith("request-latency: ");
    }

    @Test
    void refusesBytesLeftOverAfterTheRecord() {
        byte[] good = goodBytes();
        byte[] longer = Arrays.copyOf(good, good.length + 3);

        DecodeException e = decoding(longer);

        assertThat(e.reason()).isEqualTo("bad-avro");
        assertThat(e).hasMessageContaining("3 bytes left over");
    }

    @Test
    void refusesAnEnumSymbolTodaysClassDoesNotKnow() throws Exception {
        // given: a newer writer whose Op has DELETE
        Schema newer = AvroSerdeTest.requestLatencyV1("READ", "WRITE", "DELETE");
        Schema op = newer.getField("op").schema();
        int id = MockSchemaRegistry.forName(registryName).register("request-latency-value", newer);
        GenericRecord r = new GenericData.Record(newer);
        r.put("ts", 0L);
        r.put("tenant", "T");
        r.put("service", "api");
        r.put("op", new GenericData.EnumSymbol(op, "DELETE"));
        r.put("status", 200);
        r.put("latencyMs", 1.0);

        // when
        DecodeException e = decoding(AvroSerdeTest.wire(id, newer, r));

        // then
        assertThat(e.reason()).isEqualTo("unknown-enum");
        assertThat(e).hasMessageContaining("DELETE");
    }

    @Test
    void leavesARegistryOutageApartFromBadRecords() {
        // a registry that cannot be reached is no reason to dead-letter a record
        SchemaRegistry down = new HttpSchemaRegistry(java.util.List.of(java.net.URI.create("http://127.0.0.1:1")), null,
                java.time.Duration.ofMillis(500), java.time.Duration.ofMillis(500));
        AvroDeserializer<RequestLatency> d = new AvroDeserializer<>(RequestLatency.class, down);
        d.configure(Map.of(), false);

        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> d.deserialize("request-latency", goodBytes()));

        assertThat(t).isInstanceOf(SchemaRegistryException.class).isNotInstanceOf(DecodeException.class);
        assertThat(t).hasMessageContaining("no schema registry answered");
    }
}
