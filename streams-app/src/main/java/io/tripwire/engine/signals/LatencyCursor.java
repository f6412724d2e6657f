package io.tripwire.engine.signals;

import java.util.TreeSet;

/**
 * Where a tenant × op latency key stands: the last minute boundary evaluated, and the minutes that
 * have a histogram bucket not yet out of every future window.
 *
 * @param lastBoundary epoch minute of the last boundary evaluated (or, before any, the first data minute)
 * @param evaluated    whether any boundary was evaluated yet
 * @param minutes      minutes with data still needed
 */
public record LatencyCursor(long lastBoundary, boolean evaluated, TreeSet<Long> minutes) {

    public static final BinarySerde<LatencyCursor> SERDE = BinarySerde.of(
            (out, c) -> {
                out.writeLong(c.lastBoundary);
                out.writeBoolean(c.evaluated);
                out.writeInt(c.minutes.size());
                for (long m : c.minutes) {
                    out.writeLong(m);
                }
            },
            in -> {
                long last = in.readLong();
                boolean evaluated = in.readBoolean();
                int n = in.readInt();
                TreeSet<Long> minutes = new TreeSet<>();
                for (int i = 0; i < n; i++) {
                    minutes.add(in.readLong());
                }
                return new LatencyCursor(last, evaluated, minutes);
            });
}
