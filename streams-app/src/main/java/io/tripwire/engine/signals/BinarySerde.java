package io.tripwire.engine.signals;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * The one way state-store values are written: a small fixed binary layout per record type,
 * given as a writer and a reader. Each state record keeps its serde next to itself.
 */
public final class BinarySerde<T> implements Serde<T> {

    /** Writes one value. */
    @FunctionalInterface
    public interface Writer<T> {
        void write(DataOutputStream out, T value) throws IOException;
    }

    /** Reads one value. */
    @FunctionalInterface
    public interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    private final Writer<T> writer;
    private final Reader<T> reader;

    private BinarySerde(Writer<T> writer, Reader<T> reader) {
        this.writer = writer;
        this.reader = reader;
    }

    public static <T> BinarySerde<T> of(Writer<T> writer, Reader<T> reader) {
        return new BinarySerde<>(writer, reader);
    }

    /** Writes one value inside another record's layout. */
    public void write(DataOutputStream out, T value) throws IOException {
        writer.write(out, value);
    }

    /** Reads one value inside another record's layout. */
    public T read(DataInputStream in) throws IOException {
        return reader.read(in);
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> {
            if (value == null) {
                return null;
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                writer.write(out, value);
            } catch (IOException e) {
                throw new SerializationException("cannot write state value to " + topic, e);
            }
            return bytes.toByteArray();
        };
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, data) -> {
            if (data == null) {
                return null;
            }
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
                return reader.read(in);
            } catch (IOException e) {
                throw new SerializationException("cannot read state value from " + topic, e);
            }
        };
    }
}
