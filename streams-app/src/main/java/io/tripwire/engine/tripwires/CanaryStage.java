package io.tripwire.engine.tripwires;

import io.tripwire.engine.signals.BinarySerde;

import java.util.ArrayList;
import java.util.List;

/**
 * A tenant's current canary stage (SPEC 3, "Canary judgement"), kept with its open buckets in the
 * {@code canary-tenants} store: it begins at each rollout step (at its {@code ts}) and, before the first, at the first
 * request with a cohort. Every canary key of the tenant starts afresh at a new stage.
 *
 * @param start           event time the stage began
 * @param version         the version the step rolls out (requests with only a version are canary when they carry it), or null
 * @param stepPercent     the step's traffic percent, or -1 (a stage begun by a request)
 * @param previousPercent where ROLLBACK_LAST_STEP goes back to, or -1 when unknown
 * @param region          the step's region, or null
 * @param keys            the stage's canary keys with traffic so far ({@link CanaryBucket#key}), in first-seen order
 */
public record CanaryStage(long start, String version, int stepPercent, int previousPercent, String region, List<String> keys) {

    public CanaryStage {
        keys = List.copyOf(keys);
    }

    /** A stage begun by the tenant's first request with a cohort, before any rollout step. */
    public static CanaryStage byRequest(long start) {
        return new CanaryStage(start, null, -1, -1, null, List.of());
    }

    public CanaryStage withKey(String key) {
        if (keys.contains(key)) {
            return this;
        }
        List<String> more = new ArrayList<>(keys);
        more.add(key);
        return new CanaryStage(start, version, stepPercent, previousPercent, region, more);
    }

    /** ROLLBACK_LAST_STEP's {@code to}: the stage's previous percent, else "prev". */
    public String rollbackTo() {
        return previousPercent >= 0 ? Integer.toString(previousPercent) : "prev";
    }

    public static final BinarySerde<CanaryStage> SERDE = BinarySerde.of(
            (out, s) -> {
                out.writeLong(s.start);
                writeNullable(out, s.version);
                out.writeInt(s.stepPercent);
                out.writeInt(s.previousPercent);
                writeNullable(out, s.region);
                out.writeShort(s.keys.size());
                for (String k : s.keys) {
                    out.writeUTF(k);
                }
            },
            in -> {
                long start = in.readLong();
                String version = readNullable(in);
                int step = in.readInt();
                int previous = in.readInt();
                String region = readNullable(in);
                int n = in.readShort();
                List<String> keys = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    keys.add(in.readUTF());
                }
                return new CanaryStage(start, version, step, previous, region, keys);
            });

    private static void writeNullable(java.io.DataOutputStream out, String s) throws java.io.IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    private static String readNullable(java.io.DataInputStream in) throws java.io.IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }
}
