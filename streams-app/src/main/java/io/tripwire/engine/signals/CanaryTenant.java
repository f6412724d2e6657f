package io.tripwire.engine.signals;

import io.tripwire.engine.tripwires.CanaryStage;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the canary judgement keeps per tenant between events, in the {@code canary-tenants} store
 * (SPEC 3, "Canary judgement"). One record, so a labelled request costs one read and one write of it.
 *
 * <ul>
 *   <li>{@code stage}: the current stage; {@code since}: when the tenant's first stage began (before
 *       it nothing of the tenant's traffic was baseline);</li>
 *   <li>{@code open}: per key ({@code kind␟scope}) and minute, [canary, canaryBad, baseline,
 *       baselineBad] (a latency key's bad counts are filled in when its minute's τ window is done);</li>
 *   <li>{@code tau}: per op, τ (µs) of the minutes whose baseline window has been evaluated and whose
 *       bucket has not closed;</li>
 *   <li>{@code notBaseline}: per op, the minutes with histograms of requests that are not baseline
 *       (the stage's canary, and the rest: unlabelled, other cohorts, canary before the stage);
 *       {@code rest}: those of them with a histogram of the rest (so the canary judgement looks up
 *       only the histograms that exist);</li>
 *   <li>{@code excluded}: per op, the minutes with baseline requests the stage does not count (before
 *       its start, or counted under the stage before), kept in their own histogram;</li>
 *   <li>{@code window}: legacy, per op, the minutes [from, to) of a rolling sum of the not-baseline
 *       minutes that state written before 2026-12-08 kept under its own key. Still read, so the
 *       engine can delete that key ({@link #dropLegacyWindow}); written empty once it has.</li>
 * </ul>
 */
public final class CanaryTenant {

    public static final int CANARY = 0;
    public static final int CANARY_BAD = 1;
    public static final int BASELINE = 2;
    public static final int BASELINE_BAD = 3;

    private CanaryStage stage;
    /**
     * The buckets counted into last (not state): a labelled request counts into one errors key per
     * service, one latency key per op and the traffic key, so a tenant with a few services and both
     * ops keeps all its current buckets here (with four, two services and two ops missed in turn).
     */
    private static final int RECENT = 8;
    private final String[] recentKeys = new String[RECENT];
    private final long[] recentMinutes = new long[RECENT];
    private final long[][] recentCounts = new long[RECENT][];
    private int nextRecent;
    private final long since;
    private final TreeMap<String, TreeMap<Long, long[]>> open;
    private final TreeMap<String, TreeMap<Long, Long>> tau;
    private final TreeMap<String, TreeSet<Long>> notBaseline;
    private final TreeMap<String, long[]> window;
    private final TreeMap<String, TreeSet<Long>> excluded;
    private final TreeMap<String, TreeSet<Long>> rest;

    private CanaryTenant(CanaryStage stage, long since, TreeMap<String, TreeMap<Long, long[]>> open, TreeMap<String, TreeMap<Long, Long>> tau,
                         TreeMap<String, TreeSet<Long>> notBaseline, TreeMap<String, long[]> window, TreeMap<String, TreeSet<Long>> excluded,
                         TreeMap<String, TreeSet<Long>> rest) {
        this.stage = stage;
        this.since = since;
        this.open = open;
        this.tau = tau;
        this.notBaseline = notBaseline;
        this.window = window;
        this.excluded = excluded;
        this.rest = rest;
    }

    /** A tenant's record from its first stage on. */
    public static CanaryTenant of(CanaryStage stage) {
        return new CanaryTenant(stage, stage.start(), new TreeMap<>(), new TreeMap<>(), new TreeMap<>(), new TreeMap<>(), new TreeMap<>(),
                new TreeMap<>());
    }

    public CanaryStage stage() {
        return stage;
    }

    public void stage(CanaryStage s) {
        stage = s;
    }

    /** Event time the tenant's first stage began. */
    public long since() {
        return since;
    }

    /**
     * Counts one request of a cohort into its key's minute; true when that opened the key's bucket
     * for the minute. Consecutive requests mostly hit the same key and minute: the last few buckets
     * are remembered (not state: the maps hold them), so the hot path boxes no minute and walks no tree.
     */
    public boolean add(String key, long minute, boolean canary, boolean bad) {
        long[] c = null;
        boolean created = false;
        for (int i = 0; i < recentKeys.length; i++) {
            if (recentMinutes[i] == minute && key.equals(recentKeys[i])) {
                c = recentCounts[i];
                break;
            }
        }
        if (c == null) {
            TreeMap<Long, long[]> minutes = open.computeIfAbsent(key, k -> new TreeMap<>());
            c = minutes.get(minute);
            if (c == null) {
                c = new long[4];
                minutes.put(minute, c);
                created = true;
            }
            int slot = nextRecent++ % recentKeys.length;
            recentKeys[slot] = key;
            recentMinutes[slot] = minute;
            recentCounts[slot] = c;
        }
        c[canary ? CANARY : BASELINE]++;
        if (bad) {
            c[canary ? CANARY_BAD : BASELINE_BAD]++;
        }
        return created;
    }

    /** The open minutes of a key (live view). */
    public TreeMap<Long, long[]> open(String key) {
        return open.computeIfAbsent(key, k -> new TreeMap<>());
    }

    /** Forgets every open bucket (a stage change discards them). */
    public void discardOpen() {
        open.clear();
        forgetRecent();
    }

    /** Forgets the remembered buckets (a bucket left the maps). */
    public void forgetRecent() {
        java.util.Arrays.fill(recentKeys, null);
    }

    public TreeMap<Long, Long> tau(String op) {
        return tau.computeIfAbsent(op, o -> new TreeMap<>());
    }

    public TreeSet<Long> notBaseline(String op) {
        return notBaseline.computeIfAbsent(op, o -> new TreeSet<>());
    }

    /** Forgets the op's legacy rolling-sum window; true when there was one (its histogram key is to be deleted). */
    public boolean dropLegacyWindow(String op) {
        return !window.isEmpty() && window.remove(op) != null;
    }

    public TreeSet<Long> excluded(String op) {
        return excluded.computeIfAbsent(op, o -> new TreeSet<>());
    }

    /** The op's minutes (among {@link #notBaseline}) with a histogram of the rest: not baseline, not the stage's canary. */
    public TreeSet<Long> rest(String op) {
        return rest.computeIfAbsent(op, o -> new TreeSet<>());
    }

    public static final BinarySerde<CanaryTenant> SERDE = BinarySerde.of(
            (out, t) -> {
                CanaryStage.SERDE.write(out, t.stage);
                out.writeLong(t.since);
                out.writeInt(t.open.size());
                for (Map.Entry<String, TreeMap<Long, long[]>> k : t.open.entrySet()) {
                    out.writeUTF(k.getKey());
                    out.writeInt(k.getValue().size());
                    for (Map.Entry<Long, long[]> m : k.getValue().entrySet()) {
                        out.writeLong(m.getKey());
                        for (long v : m.getValue()) {
                            out.writeLong(v);
                        }
                    }
                }
                out.writeInt(t.tau.size());
                for (Map.Entry<String, TreeMap<Long, Long>> e : t.tau.entrySet()) {
                    out.writeUTF(e.getKey());
                    out.writeInt(e.getValue().size());
                    for (Map.Entry<Long, Long> v : e.getValue().entrySet()) {
                        out.writeLong(v.getKey());
                        out.writeLong(v.getValue());
                    }
                }
                writeSets(out, t.notBaseline);
                out.writeInt(t.window.size());
                for (Map.Entry<String, long[]> w : t.window.entrySet()) {
                    out.writeUTF(w.getKey());
                    out.writeLong(w.getValue()[0]);
                    out.writeLong(w.getValue()[1]);
                }
                writeSets(out, t.excluded);
                writeSets(out, t.rest);
            },
            in -> {
                CanaryStage stage = CanaryStage.SERDE.read(in);
                long since = in.readLong();
                TreeMap<String, TreeMap<Long, long[]>> open = new TreeMap<>();
                int keys = in.readInt();
                for (int i = 0; i < keys; i++) {
                    String key = in.readUTF();
                    TreeMap<Long, long[]> minutes = new TreeMap<>();
                    int n = in.readInt();
                    for (int j = 0; j < n; j++) {
                        minutes.put(in.readLong(), new long[] {in.readLong(), in.readLong(), in.readLong(), in.readLong()});
                    }
                    open.put(key, minutes);
                }
                TreeMap<String, TreeMap<Long, Long>> tau = new TreeMap<>();
                int ops = in.readInt();
                for (int i = 0; i < ops; i++) {
                    String op = in.readUTF();
                    TreeMap<Long, Long> values = new TreeMap<>();
                    int n = in.readInt();
                    for (int j = 0; j < n; j++) {
                        values.put(in.readLong(), in.readLong());
                    }
                    tau.put(op, values);
                }
                TreeMap<String, TreeSet<Long>> notBaseline = readSets(in);
                TreeMap<String, long[]> window = new TreeMap<>();
                int w = in.readInt();
                for (int i = 0; i < w; i++) {
                    window.put(in.readUTF(), new long[] {in.readLong(), in.readLong()});
                }
                TreeMap<String, TreeSet<Long>> excluded = readSets(in);
                // written before 2026-12-08 without it: any not-baseline minute may hold the rest's histogram
                TreeMap<String, TreeSet<Long>> rest = in.available() > 0 ? readSets(in) : copy(notBaseline);
                return new CanaryTenant(stage, since, open, tau, notBaseline, window, excluded, rest);
            });

    private static TreeMap<String, TreeSet<Long>> copy(TreeMap<String, TreeSet<Long>> sets) {
        TreeMap<String, TreeSet<Long>> c = new TreeMap<>();
        sets.forEach((op, minutes) -> c.put(op, new TreeSet<>(minutes)));
        return c;
    }

    private static void writeSets(DataOutputStream out, TreeMap<String, TreeSet<Long>> sets) throws IOException {
        out.writeInt(sets.size());
        for (Map.Entry<String, TreeSet<Long>> e : sets.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeInt(e.getValue().size());
            for (long m : e.getValue()) {
                out.writeLong(m);
            }
        }
    }

    private static TreeMap<String, TreeSet<Long>> readSets(DataInputStream in) throws IOException {
        TreeMap<String, TreeSet<Long>> sets = new TreeMap<>();
        int ops = in.readInt();
        for (int i = 0; i < ops; i++) {
            String op = in.readUTF();
            TreeSet<Long> minutes = new TreeSet<>();
            int n = in.readInt();
            for (int j = 0; j < n; j++) {
                minutes.add(in.readLong());
            }
            sets.put(op, minutes);
        }
        return sets;
    }
}
