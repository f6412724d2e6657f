package io.tripwire.engine.tripwires;

import io.tripwire.engine.signals.BinarySerde;

import java.util.Arrays;

/**
 * What one canary key (tripwire × tenant × service or op) knows of the current stage, in the
 * {@code canary-state} store: the stage's closed-bucket totals per cohort, the log e-values of the
 * "worse" grid and of the "no worse" grid (SPEC 3, "Canary judgement"), and whether it has fired
 * or passed. A few dozen numbers whatever the traffic.
 *
 * @param stageStart   start of the stage these figures belong to (a new stage starts afresh)
 * @param canary       canary requests in the stage's closed buckets
 * @param canaryBad    of which bad (5xx, or slower than τ)
 * @param baseline     baseline requests in the stage's closed buckets
 * @param baselineBad  of which bad
 * @param logWorse     ln E_R for R in {@link CanaryEvidence#WORSE}
 * @param logNoWorse   ln F_R for R in {@link CanaryEvidence#NO_WORSE}
 * @param firedAt      bucket end it fired at, or -1
 * @param passedAt     bucket end it passed at, or -1
 * @param lastTauMs    τ of the last closed bucket (latency keys), NaN when none
 */
public record CanaryState(long stageStart, long canary, long canaryBad, long baseline, long baselineBad,
                          double[] logWorse, double[] logNoWorse, long firedAt, long passedAt, double lastTauMs) {

    /** A key's state at the start of a stage. */
    public static CanaryState fresh(long stageStart) {
        return new CanaryState(stageStart, 0, 0, 0, 0, new double[CanaryEvidence.WORSE.length],
                new double[CanaryEvidence.NO_WORSE.length], -1, -1, Double.NaN);
    }

    public boolean fired() {
        return firedAt >= 0;
    }

    public boolean passed() {
        return passedAt >= 0;
    }

    /** e_worse: the mean of E_R over the grid. */
    public double eWorse() {
        return Math.exp(CanaryEvidence.logMean(logWorse));
    }

    /** e_pass: the mean of F_R over the grid. */
    public double ePass() {
        return Math.exp(CanaryEvidence.logMean(logNoWorse));
    }

    /** (k_c / n_c) / (k_b / n_b) over the stage; NaN when a side has no requests, infinite when the baseline had no bad ones. */
    public double rateRatio() {
        if (canary == 0 || baseline == 0) {
            return Double.NaN;
        }
        double c = (double) canaryBad / canary;
        double b = (double) baselineBad / baseline;
        return b == 0 ? (c == 0 ? Double.NaN : Double.POSITIVE_INFINITY) : c / b;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CanaryState s && stageStart == s.stageStart && canary == s.canary && canaryBad == s.canaryBad
                && baseline == s.baseline && baselineBad == s.baselineBad && Arrays.equals(logWorse, s.logWorse)
                && Arrays.equals(logNoWorse, s.logNoWorse) && firedAt == s.firedAt && passedAt == s.passedAt
                && Double.compare(lastTauMs, s.lastTauMs) == 0;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(stageStart) * 31 + Long.hashCode(canary + baseline) + Arrays.hashCode(logWorse);
    }

    @Override
    public String toString() {
        return "CanaryState[stageStart=" + stageStart + ", canary=" + canaryBad + "/" + canary + ", baseline=" + baselineBad + "/"
                + baseline + ", eWorse=" + eWorse() + ", ePass=" + ePass() + ", firedAt=" + firedAt + ", passedAt=" + passedAt + "]";
    }

    public static final BinarySerde<CanaryState> SERDE = BinarySerde.of(
            (out, s) -> {
                out.writeLong(s.stageStart);
                out.writeLong(s.canary);
                out.writeLong(s.canaryBad);
                out.writeLong(s.baseline);
                out.writeLong(s.baselineBad);
                out.writeByte(s.logWorse.length);
                for (double d : s.logWorse) {
                    out.writeDouble(d);
                }
                out.writeByte(s.logNoWorse.length);
                for (double d : s.logNoWorse) {
                    out.writeDouble(d);
                }
                out.writeLong(s.firedAt);
                out.writeLong(s.passedAt);
                out.writeDouble(s.lastTauMs);
            },
            in -> {
                long start = in.readLong();
                long c = in.readLong();
                long cb = in.readLong();
                long b = in.readLong();
                long bb = in.readLong();
                double[] worse = new double[in.readByte()];
                for (int i = 0; i < worse.length; i++) {
                    worse[i] = in.readDouble();
                }
                double[] noWorse = new double[in.readByte()];
                for (int i = 0; i < noWorse.length; i++) {
                    noWorse[i] = in.readDouble();
                }
                return new CanaryState(start, c, cb, b, bb, worse, noWorse, in.readLong(), in.readLong(), in.readDouble());
            });
}
