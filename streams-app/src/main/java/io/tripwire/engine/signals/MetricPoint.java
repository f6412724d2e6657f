package io.tripwire.engine.signals;

/**
 * The last sample of a metric series within its minute, in the {@code metric-series} store: the
 * value at the end of each minute is a signal.
 */
public record MetricPoint(long minute, double value) {

    public static final BinarySerde<MetricPoint> SERDE = BinarySerde.of(
            (out, p) -> {
                out.writeLong(p.minute);
                out.writeDouble(p.value);
            },
            in -> new MetricPoint(in.readLong(), in.readDouble()));
}
