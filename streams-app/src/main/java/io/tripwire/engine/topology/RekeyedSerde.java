package io.tripwire.engine.topology;

import io.tripwire.schemas.AutonomyDecision;
import io.tripwire.schemas.HumanOverride;
import io.tripwire.schemas.MetricSample;
import io.tripwire.schemas.PolicyDecision;
import io.tripwire.schemas.RequestLatency;
import io.tripwire.schemas.RolloutStep;
import io.tripwire.wire.AvroTrust;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;

/**
 * Values of the engine's re-keying topic ({@code <application.id>-rekeyed-repartition}): any of the
 * six input events, as one byte naming its kind and the Avro binary of its record. No registry: the
 * engine is this topic's only writer and reader (one subject could not hold six record types under
 * a registry's compatibility rules). An engine upgrade that changes a schema drains the topic first
 * (it holds only events on their way to their tenant's task).
 */
public final class RekeyedSerde implements Serde<SpecificRecord> {

    static {
        AvroTrust.ensure();
    }

    private static final List<Class<? extends SpecificRecord>> KINDS = List.of(RequestLatency.class, MetricSample.class,
            AutonomyDecision.class, PolicyDecision.class, RolloutStep.class, HumanOverride.class);

    @Override
    public Serializer<SpecificRecord> serializer() {
        return (topic, r) -> {
            if (r == null) {
                return null;
            }
            int kind = KINDS.indexOf(r.getClass());
            if (kind < 0) {
                throw new SerializationException(r.getClass().getName() + " is not an input event");
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(128);
            out.write(kind);
            BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(out, null);
            try {
                writer(r).write(r, enc);
                enc.flush();
            } catch (IOException e) {
                throw new SerializationException("cannot write " + r.getSchema().getName(), e);
            }
            return out.toByteArray();
        };
    }

    @SuppressWarnings("unchecked")
    private static SpecificDatumWriter<SpecificRecord> writer(SpecificRecord r) {
        return new SpecificDatumWriter<>((Class<SpecificRecord>) r.getClass());
    }

    @SuppressWarnings("unchecked")
    private static SpecificDatumReader<SpecificRecord> reader(int kind) {
        return new SpecificDatumReader<>((Class<SpecificRecord>) KINDS.get(kind));
    }

    @Override
    public Deserializer<SpecificRecord> deserializer() {
        return (topic, data) -> {
            if (data == null) {
                return null;
            }
            if (data.length == 0 || data[0] < 0 || data[0] >= KINDS.size()) {
                throw new SerializationException(topic + ": not a re-keyed event (kind byte " + (data.length == 0 ? "missing" : data[0]) + ")");
            }
            BinaryDecoder dec = DecoderFactory.get().binaryDecoder(data, 1, data.length - 1, null);
            try {
                return reader(data[0]).read(null, dec);
            } catch (IOException | RuntimeException e) {
                throw new SerializationException(topic + ": corrupt re-keyed " + KINDS.get(data[0]).getSimpleName(), e);
            }
        };
    }
}
