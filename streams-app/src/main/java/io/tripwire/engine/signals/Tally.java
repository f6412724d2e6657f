package io.tripwire.engine.signals;

import java.util.Arrays;

/**
 * A fixed-width vector of event counts in a bucket or a window, e.g. [total, bad] for requests or
 * [decided, autonomous, compensated] for autonomy decisions. Immutable.
 */
public final class Tally {

    public static final BinarySerde<Tally> SERDE = BinarySerde.of((out, t) -> t.writeTo(out), Tally::readFrom);

    private final long[] v;

    private Tally(long[] v) {
        this.v = v;
    }

    public static Tally zero(int width) {
        return new Tally(new long[width]);
    }

    public static Tally of(long... counts) {
        return new Tally(counts.clone());
    }

    void writeTo(java.io.DataOutputStream out) throws java.io.IOException {
        out.writeByte(v.length);
        for (long x : v) {
            out.writeLong(x);
        }
    }

    static Tally readFrom(java.io.DataInputStream in) throws java.io.IOException {
        long[] r = new long[in.readByte()];
        for (int i = 0; i < r.length; i++) {
            r[i] = in.readLong();
        }
        return new Tally(r);
    }

    public long get(int i) {
        return v[i];
    }

    public int width() {
        return v.length;
    }

    public Tally plus(Tally o) {
        long[] r = v.clone();
        for (int i = 0; i < r.length; i++) {
            r[i] += o.v[i];
        }
        return new Tally(r);
    }

    public Tally minus(Tally o) {
        long[] r = v.clone();
        for (int i = 0; i < r.length; i++) {
            r[i] -= o.v[i];
        }
        return new Tally(r);
    }

    /** v[num] / v[den], 0 when v[den] is 0. */
    public double ratio(int num, int den) {
        return v[den] == 0 ? 0.0 : (double) v[num] / v[den];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tally t && Arrays.equals(v, t.v);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(v);
    }

    @Override
    public String toString() {
        return Arrays.toString(v);
    }
}
