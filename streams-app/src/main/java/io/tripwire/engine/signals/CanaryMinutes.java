package io.tripwire.engine.signals;

import java.util.Map;
import java.util.TreeMap;

/**
 * The open minute buckets of one canary key, in the {@code canary-buckets} store: per minute, the
 * requests of each cohort and the bad ones [canary, canaryBad, baseline, baselineBad] (a latency
 * key counts its slow requests at the bucket's close, from histograms), and for a latency key τ of
 * the minutes whose baseline window has been evaluated but which have not closed yet. A bucket
 * closes once the tenant's stream time passes its end plus grace; only a minute or two are open
 * at a time.
 */
public record CanaryMinutes(TreeMap<Long, long[]> counts, TreeMap<Long, Long> tauMicros) {

    public static final int CANARY = 0;
    public static final int CANARY_BAD = 1;
    public static final int BASELINE = 2;
    public static final int BASELINE_BAD = 3;

    public static CanaryMinutes empty() {
        return new CanaryMinutes(new TreeMap<>(), new TreeMap<>());
    }

    /** Counts one request of a cohort into its minute. */
    public void add(long minute, boolean canary, boolean bad) {
        long[] c = counts.computeIfAbsent(minute, m -> new long[4]);
        c[canary ? CANARY : BASELINE]++;
        if (bad) {
            c[canary ? CANARY_BAD : BASELINE_BAD]++;
        }
    }

    public boolean isEmpty() {
        return counts.isEmpty() && tauMicros.isEmpty();
    }

    public static final BinarySerde<CanaryMinutes> SERDE = BinarySerde.of(
            (out, s) -> {
                out.writeInt(s.counts.size());
                for (Map.Entry<Long, long[]> e : s.counts.entrySet()) {
                    out.writeLong(e.getKey());
                    for (long v : e.getValue()) {
                        out.writeLong(v);
                    }
                }
                out.writeInt(s.tauMicros.size());
                for (Map.Entry<Long, Long> e : s.tauMicros.entrySet()) {
                    out.writeLong(e.getKey());
                    out.writeLong(e.getValue());
                }
            },
            in -> {
                TreeMap<Long, long[]> counts = new TreeMap<>();
                int n = in.readInt();
                for (int i = 0; i < n; i++) {
                    long m = in.readLong();
                    counts.put(m, new long[] {in.readLong(), in.readLong(), in.readLong(), in.readLong()});
                }
                TreeMap<Long, Long> tau = new TreeMap<>();
                int t = in.readInt();
                for (int i = 0; i < t; i++) {
                    tau.put(in.readLong(), in.readLong());
                }
                return new CanaryMinutes(counts, tau);
            });
}
