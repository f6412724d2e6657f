package io.tripwire.engine.signals;

import org.HdrHistogram.Histogram;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;

/**
 * Latency buckets in HdrHistogram's compressed encoding (V2 + deflate): a few hundred bytes for a
 * minute of traffic, whatever the request rate. Writing reuses one Deflater and one buffer per
 * thread (HdrHistogram's own encoder allocates both on every call, which dominated the engine's
 * profile); the bytes are exactly what {@link Histogram#decodeFromCompressedByteBuffer} reads.
 */
public final class HistogramSerde implements Serde<Histogram> {

    /** Significant decimal digits kept: relative error of a recorded value at most 0.1%. */
    public static final int DIGITS = 3;

    private static final int COMPRESSED_COOKIE = compressedCookie();

    private static final ThreadLocal<Encoder> ENCODER = ThreadLocal.withInitial(Encoder::new);

    /** A new, empty, auto-resizing histogram of microseconds. */
    public static Histogram newHistogram() {
        Histogram h = new Histogram(DIGITS);
        h.setAutoResize(true);
        return h;
    }

    /** As {@link #newHistogram()}, its counts already sized for values up to {@code highest} microseconds. */
    public static Histogram newHistogram(long highest) {
        Histogram h = new Histogram(Math.max(2, highest), DIGITS);
        h.setAutoResize(true);
        return h;
    }

    /** Per-thread buffers: the uncompressed V2 encoding, and the compressed output. */
    private static final class Encoder {
        private final Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        private ByteBuffer plain = ByteBuffer.allocate(1024);
        private byte[] out = new byte[1024];

        byte[] encode(Histogram h) {
            int needed = h.getNeededByteBufferCapacity();
            if (plain.capacity() < needed) {
                plain = ByteBuffer.allocate(needed);
            }
            plain.clear();
            int len = h.encodeIntoByteBuffer(plain);
            deflater.reset();
            deflater.setInput(plain.array(), 0, len);
            deflater.finish();
            if (out.length < len + 64) {
                out = new byte[len + 64];
            }
            int written = 8;
            while (!deflater.finished()) {
                if (written == out.length) {
                    out = Arrays.copyOf(out, out.length * 2);
                }
                written += deflater.deflate(out, written, out.length - written);
            }
            ByteBuffer header = ByteBuffer.wrap(out, 0, 8);
            header.putInt(COMPRESSED_COOKIE);
            header.putInt(written - 8);
            return Arrays.copyOf(out, written);
        }
    }

    private static int compressedCookie() {
        Histogram h = newHistogram();
        ByteBuffer b = ByteBuffer.allocate(h.getNeededByteBufferCapacity() + 64);
        h.encodeIntoCompressedByteBuffer(b, Deflater.BEST_SPEED);
        return b.getInt(0);
    }

    @Override
    public Serializer<Histogram> serializer() {
        return (topic, h) -> h == null ? null : ENCODER.get().encode(h);
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
            } catch (DataFormatException | RuntimeException e) {
                throw new SerializationException("corrupt latency histogram in " + topic, e);
            }
        };
    }
}
