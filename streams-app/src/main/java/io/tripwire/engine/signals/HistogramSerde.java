package io.tripwire.engine.signals;

import org.HdrHistogram.Histogram;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;

/**
 * Latency buckets in HdrHistogram's compressed encoding (V2 + deflate): a few hundred bytes for a
 * minute of traffic, whatever the request rate.
 */
public final class HistogramSerde implements Serde<Histogram> {

    /** Significant decimal digits kept: relative error of a recorded value at most 0.1%. */
    public static final int DIGITS = 3;

    /** A new, empty, auto-resizing histogram of microseconds. */
    public static Histogram newHistogram() {
        Histogram h = new Histogram(DIGITS);
        h.setAutoResize(true);
        return h;
    }

    @Override
    public Serializer<Histogram> serializer() {
        return (topic, h) -> {
            if (h == null) {
                return null;
            }
            ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
            int len = h.encodeIntoCompressedByteBuffer(buf, Deflater.BEST_SPEED);
            byte[] out = new byte[len];
            buf.flip();
            buf.get(out);
            return out;
        };
    }

    @Override
    public Deserializer<Histogram> deserializer() {
        return (topic, data) -> {
            if (data == null) {
                return null;
            }
            try {
                Histogram h = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(data), 0);
                h.setAutoResize(true);
                return h;
            } catch (DataFormatException e) {
                throw new SerializationException("corrupt latency histogram in " + topic, e);
            }
        };
    }
}
