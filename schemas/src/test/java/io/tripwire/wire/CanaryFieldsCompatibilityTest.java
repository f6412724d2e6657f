package io.tripwire.wire;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tripwire.schemas.ActionType;
import io.tripwire.schemas.RequestLatency;
import io.tripwire.schemas.RolloutStep;
import io.tripwire.schemas.TripwireAction;
import io.tripwire.testing.SampleRecords;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The canary labels (SPEC 2: {@code cohort} and {@code version} on requests, {@code version} on
 * rollout steps) and the new action types (CANARY_PASSED, BLOCK_ENACT) are backward-compatible
 * schema changes: a record written with the previous schema, under its own registry id, still
 * decodes into today's class (the labels null), and an executor reading with the previous action
 * schema reads a new action type as UNKNOWN (the enum's default) instead of failing.
 */
class CanaryFieldsCompatibilityTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final String registryName = "compat-" + UUID.randomUUID();
    private final Map<String, Object> config = Map.of("schema.registry.url", "mock://" + registryName);

    @AfterEach
    void dropRegistry() {
        MockSchemaRegistry.drop(registryName);
    }

    /** Today's schema of a record without the named fields: the schema before they were added. */
    static Schema without(Schema today, String... fields) throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(today.toString());
        ArrayNode kept = JSON.createArrayNode();
        root.withArray("fields").forEach(f -> {
            if (!java.util.List.of(fields).contains(f.get("name").asText())) {
                kept.add(f);
            }
        });
        root.set("fields", kept);
        return new Schema.Parser().parse(root.toString());
    }

    @Test
    void aRequestWrittenBeforeTheLabelsDecodesWithThemNull() throws IOException {
        Schema previous = without(RequestLatency.getClassSchema(), "cohort", "version");
        int id = MockSchemaRegistry.forName(registryName).register("request-latency-value", previous);
        GenericRecord old = new GenericData.Record(previous);
        old.put("ts", SampleRecords.T0.toEpochMilli());
        old.put("tenant", "TENANT_004");
        old.put("service", "api");
        old.put("op", new GenericData.EnumSymbol(previous.getField("op").schema(), "READ"));
        old.put("status", 200);
        old.put("latencyMs", 80.5);
        old.put("region", "eu-west-1");

        RequestLatency read = AvroSerdes.serde(RequestLatency.class, config).deserializer()
                .deserialize("request-latency", AvroSerdeTest.wire(id, previous, old));

        assertThat(read.getRegion()).isEqualTo("eu-west-1");
        assertThat(read.getCohort()).isNull();
        assertThat(read.getVersion()).isNull();
        // and today's records, labelled, round-trip through the same registry under a new id
        RequestLatency labelled = RequestLatency.newBuilder(read).setCohort("canary").setVersion("v2").build();
        var serde = AvroSerdes.serde(RequestLatency.class, config);
        byte[] bytes = serde.serializer().serialize("request-latency", labelled);
        assertThat(java.nio.ByteBuffer.wrap(bytes, 1, 4).getInt()).isNotEqualTo(id);
        assertThat(serde.deserializer().deserialize("request-latency", bytes)).isEqualTo(labelled);
    }

    @Test
    void aRolloutStepWrittenBeforeTheVersionDecodesWithItNull() throws IOException {
        Schema previous = without(RolloutStep.getClassSchema(), "version");
        int id = MockSchemaRegistry.forName(registryName).register("rollout-steps-value", previous);
        GenericRecord old = new GenericData.Record(previous);
        old.put("ts", SampleRecords.T0.toEpochMilli());
        old.put("tenant", "TENANT_004");
        old.put("wave", "A");
        old.put("stepPercent", 10);
        old.put("previousPercent", 2);
        RolloutStep read = AvroSerdes.serde(RolloutStep.class, config).deserializer()
                .deserialize("rollout-steps", AvroSerdeTest.wire(id, previous, old));
        assertThat(read.getStepPercent()).isEqualTo(10);
        assertThat(read.getVersion()).isNull();
    }

    @Test
    void anExecutorOnThePreviousActionSchemaReadsANewActionTypeAsUnknown() throws IOException {
        // the previous schema: ActionType without CANARY_PASSED and BLOCK_ENACT
        ObjectNode root = (ObjectNode) JSON.readTree(TripwireAction.getClassSchema().toString());
        root.withArray("fields").forEach(f -> {
            if (f.get("name").asText().equals("action")) {
                ArrayNode symbols = (ArrayNode) f.get("type").get("symbols");
                for (int i = symbols.size() - 1; i >= 0; i--) {
                    String s = symbols.get(i).asText();
                    if (s.equals("CANARY_PASSED") || s.equals("BLOCK_ENACT")) {
                        symbols.remove(i);
                    }
                }
            }
        });
        Schema previous = new Schema.Parser().parse(root.toString());
        TripwireAction passed = TripwireAction.newBuilder(SampleRecords.action()).setAction(ActionType.CANARY_PASSED).build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        var enc = org.apache.avro.io.EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<TripwireAction>(TripwireAction.getClassSchema()).write(passed, enc);
        enc.flush();
        GenericRecord read = new GenericDatumReader<GenericRecord>(TripwireAction.getClassSchema(), previous)
                .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
        assertThat(read.get("action").toString()).isEqualTo("UNKNOWN");
        assertThat(read.get("tenant").toString()).isEqualTo(passed.getTenant());
    }
}
