package io.tripwire.wire;

import io.tripwire.schemas.Op;
import io.tripwire.schemas.RequestLatency;
import io.tripwire.testing.SampleRecords;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AvroSerdeTest {

    private final String registryName = "serde-test-" + UUID.randomUUID();
    private final Map<String, Object> config = Map.of("schema.registry.url", "mock://" + registryName);

    @AfterEach
    void dropRegistry() {
        MockSchemaRegistry.drop(registryName);
    }

    static Iterable<SpecificRecord> everyRecordType() {
        return SampleRecords.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRecordType")
    @SuppressWarnings("unchecked")
    <T extends SpecificRecord> void roundTripsEveryRecordTypeThroughTheMockRegistry(T record) {
        // given
        Serde<T> serde = AvroSerdes.serde((Class<T>) record.getClass(), config);
        String topic = "topic-of-" + record.getSchema().getName();

        // when
        byte[] bytes = serde.serializer().serialize(topic, record);
        T back = serde.deserializer().deserialize(topic, bytes);

        // then
        int registeredId = MockSchemaRegistry.forName(registryName).latest(topic + "-value").id();
        assertThat(bytes[0]).isEqualTo((byte) 0);
        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(registeredId);
        assertThat(back).isEqualTo(record);
    }

    @Test
    void writesTheSchemaIdBigEndianAfterTheMagicByte() {
        // given: 300 schemas already registered, so the next id needs two bytes
        MockSchemaRegistry registry = MockSchemaRegistry.forName(registryName);
        for (int i = 0; i < 300; i++) {
            registry.register("filler-value", SchemaBuilder.record("Filler" + i).fields().endRecord());
        }
        Serde<RequestLatency> serde = AvroSerdes.serde(RequestLatency.class, config);

        // when
        byte[] bytes = serde.serializer().serialize("request-latency", SampleRecords.request());

        // then: id 301 = 0x0000012d
        assertThat(registry.latest("request-latency-value").id()).isEqualTo(301);
        assertThat(new byte[] {bytes[0], bytes[1], bytes[2], bytes[3], bytes[4]})
                .containsExactly(0x00, 0x00, 0x00, 0x01, 0x2d);
    }

    @Test
    void registersTheSameSchemaOnceUnderTheTopicValueSubject() {
        // given
        Serde<RequestLatency> serde = AvroSerdes.serde(RequestLatency.class, config);

        // when
        serde.serializer().serialize("request-latency", SampleRecords.request());
        serde.serializer().serialize("request-latency", SampleRecords.request());
        int again = MockSchemaRegistry.forName(registryName).register("request-latency-value", RequestLatency.getClassSchema());

        // then
        RegisteredSchema latest = MockSchemaRegistry.forName(registryName).latest("request-latency-value");
        assertThat(latest.version()).isEqualTo(1);
        assertThat(latest.id()).isEqualTo(again);
        assertThat(latest.subject()).isEqualTo("request-latency-value");
    }

    @Test
    void registersUnderEachTopicsSubjectWhenOneSerdeServesSeveralTopics() {
        // given
        Serde<RequestLatency> serde = AvroSerdes.serde(RequestLatency.class, config);

        // when
        serde.serializer().serialize("request-latency", SampleRecords.request());
        serde.serializer().serialize("request-latency-replay", SampleRecords.request());

        // then
        MockSchemaRegistry registry = MockSchemaRegistry.forName(registryName);
        assertThat(registry.latest("request-latency-replay-value").id()).isEqualTo(registry.latest("request-latency-value").id());
    }

    @Test
    void readsIntoTheClassOfAGivenReaderSchema() {
        byte[] bytes = AvroSerdes.serde(RequestLatency.class, config).serializer().serialize("request-latency", SampleRecords.request());
        AvroDeserializer<RequestLatency> bySchema = new AvroDeserializer<>(RequestLatency.getClassSchema());
        bySchema.configure(config, false);

        assertThat(bySchema.deserialize("request-latency", bytes)).isEqualTo(SampleRecords.request());
    }

    @Test
    void usesTheKeySubjectForAKeySerializer() {
        // given
        AvroSerializer<RequestLatency> serializer = new AvroSerializer<>();
        serializer.configure(config, true);

        // when
        serializer.serialize("request-latency", SampleRecords.request());

        // then
        assertThat(MockSchemaRegistry.forName(registryName).latest("request-latency-key").version()).isEqualTo(1);
    }

    @Test
    void readsRecordWrittenWithOlderSchemaIntoTodaysClass() throws IOException {
        // given: v1 of RequestLatency, before region, route and requestId existed, registered by an old gateway
        Schema v1 = requestLatencyV1("READ", "WRITE");
        Schema op = v1.getField("op").schema();
        int v1Id = MockSchemaRegistry.forName(registryName).register("request-latency-value", v1);
        GenericRecord old = new GenericData.Record(v1);
        old.put("ts", SampleRecords.T0.toEpochMilli());
        old.put("tenant", "TENANT_004");
        old.put("service", "api");
        old.put("op", new GenericData.EnumSymbol(op, "WRITE"));
        old.put("status", 503);
        old.put("latencyMs", 812.25);
        byte[] bytes = wire(v1Id, v1, old);

        // when
        RequestLatency read = AvroSerdes.serde(RequestLatency.class, config).deserializer().deserialize("request-latency", bytes);

        // then
        assertThat(read.getTs()).isEqualTo(SampleRecords.T0.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        assertThat(read.getTenant()).isEqualTo("TENANT_004");
        assertThat(read.getOp()).isEqualTo(Op.WRITE);
        assertThat(read.getStatus()).isEqualTo(503);
        assertThat(read.getLatencyMs()).isEqualTo(812.25);
        assertThat(read.getRegion()).isNull();
        assertThat(read.getRoute()).isNull();
        assertThat(read.getRequestId()).isNull();
    }

    @Test
    void readsIntoTheClassNamedByTheWriterSchemaWhenNoTargetIsGiven() {
        // given: a deserializer made by Kafka from its class name
        byte[] bytes = AvroSerdes.serde(RequestLatency.class, config).serializer().serialize("request-latency", SampleRecords.request());
        AvroDeserializer<SpecificRecord> any = new AvroDeserializer<>();
        any.configure(config, false);

        // when
        SpecificRecord read = any.deserialize("request-latency", bytes);

        // then
        assertThat(read).isEqualTo(SampleRecords.request());
    }

    @Test
    void readsIntoTheConfiguredSpecificValueType() {
        byte[] bytes = AvroSerdes.serde(RequestLatency.class, config).serializer().serialize("request-latency", SampleRecords.request());
        AvroDeserializer<RequestLatency> configured = new AvroDeserializer<>();
        configured.configure(Map.of("schema.registry.url", "mock://" + registryName,
                "specific.avro.value.type", RequestLatency.class.getName()), false);

        assertThat(configured.deserialize("request-latency", bytes)).isInstanceOf(RequestLatency.class);
    }

    @Test
    void usesTheLatestRegisteredIdWhenAutoRegisterIsOff() {
        // given
        int id = MockSchemaRegistry.forName(registryName).register("request-latency-value", RequestLatency.getClassSchema());
        AvroSerializer<RequestLatency> serializer = new AvroSerializer<>();
        serializer.configure(Map.of("schema.registry.url", "mock://" + registryName, "auto.register.schemas", "false"), false);

        // when
        byte[] bytes = serializer.serialize("request-latency", SampleRecords.request());

        // then
        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(id);
        assertThat(MockSchemaRegistry.forName(registryName).latest("request-latency-value").version()).isEqualTo(1);
    }

    @Test
    void failsClearlyWhenAutoRegisterIsOffAndTheSubjectHasNoSchema() {
        AvroSerializer<RequestLatency> serializer = new AvroSerializer<>();
        serializer.configure(Map.of("schema.registry.url", "mock://" + registryName, "auto.register.schemas", false), false);

        assertThatThrownBy(() -> serializer.serialize("request-latency", SampleRecords.request()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("request-latency")
                .hasMessageContaining("auto.register.schemas=false")
                .hasMessageContaining("request-latency-value");
    }

    @Test
    void failsClearlyWhenAutoRegisterIsOffAndTheLatestSchemaIsAnother() {
        MockSchemaRegistry.forName(registryName).register("request-latency-value", SchemaBuilder.record("Other").fields().endRecord());
        AvroSerializer<RequestLatency> serializer = new AvroSerializer<>();
        serializer.configure(Map.of("schema.registry.url", "mock://" + registryName, "auto.register.schemas", "false"), false);

        assertThatThrownBy(() -> serializer.serialize("request-latency", SampleRecords.request()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("is not the schema of io.tripwire.schemas.RequestLatency");
    }

    @Test
    void serializesNullAsATombstoneAndReadsItBack() {
        Serde<RequestLatency> serde = AvroSerdes.serde(RequestLatency.class, config);

        assertThat(serde.serializer().serialize("request-latency", null)).isNull();
        assertThat(serde.deserializer().deserialize("request-latency", null)).isNull();
    }

    /** RequestLatency as its first version was: no region, route or requestId; Op with the given symbols. */
    static Schema requestLatencyV1(String... opSymbols) {
        Schema op = SchemaBuilder.enumeration("Op").namespace("io.tripwire.schemas").symbols(opSymbols);
        return SchemaBuilder.record("RequestLatency").namespace("io.tripwire.schemas").fields()
                .name("ts").type(org.apache.avro.LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG))).noDefault()
                .requiredString("tenant").requiredString("service")
                .name("op").type(op).noDefault()
                .requiredInt("status").requiredDouble("latencyMs")
                .endRecord();
    }

    /** The wire format written by hand, as a non-Java producer would. */
    static byte[] wire(int id, Schema schema, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(id).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
