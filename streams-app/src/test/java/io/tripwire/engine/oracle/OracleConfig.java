package io.tripwire.engine.oracle;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The numbers of config/tripwires.yaml, written down independently of the engine's rules loader
 * (SPEC section 3 defaults). {@link #engineSets()} gives the {@code --set} overrides that make the
 * engine run with the same numbers when a field differs from the shipped default.
 */
record OracleConfig(long graceMs, int minEvents,
                    BigDecimal sloApi, BigDecimal sloIngest,
                    BigDecimal errorBudgetThreshold, long errorBudgetWindowMin, long freezeForMs,
                    BigDecimal fastThreshold, long fastLongMin, long fastShortMin,
                    BigDecimal slowThreshold, long slowLongMin, long slowShortMin,
                    BigDecimal ingestThreshold, long ingestWindowMin, long ingestHeldMs,
                    double readThresholdMs, double writeThresholdMs, int latencyWindowMin, long latencyHeldMs,
                    double lagThreshold, long lagHeldMs,
                    BigDecimal compensationAbove, BigDecimal autonomyBelow, long autonomyWindowMin,
                    BigDecimal confidence, long keepFiringForMs,
                    double priorStrength, double autonomyPriorStrength, CanaryConfig canary) {

    /** The canary tripwires' rows (SPEC 3 "Canary judgement"; canary-split as docs/tripwires.md has it). */
    record CanaryConfig(double confidence, double tolerance, int minEvents, long settleMs) {
        static final CanaryConfig DEFAULTS = new CanaryConfig(0.99, 1.5, 100, 120_000);
    }

    static final OracleConfig DEFAULTS = new OracleConfig(30_000, 100,
            new BigDecimal("0.999"), new BigDecimal("0.995"),
            new BigDecimal("0.60"), 24 * 60, 24 * 3_600_000L,
            new BigDecimal("14.4"), 60, 5,
            new BigDecimal("6"), 6 * 60, 30,
            new BigDecimal("0.005"), 60, 15 * 60_000L,
            350, 700, 5, 10 * 60_000L,
            60, 5 * 60_000L,
            new BigDecimal("0.005"), new BigDecimal("0.999"), 24 * 60,
            new BigDecimal("0.95"), 0, 1000, 100, CanaryConfig.DEFAULTS);

    /** The defaults on the plain estimate ({@code confidence: off}): the contract before the significance guard. */
    static final OracleConfig PLAIN = DEFAULTS.withConfidence(null);

    OracleConfig withMinEvents(int n) {
        return new OracleConfig(graceMs, n, sloApi, sloIngest, errorBudgetThreshold, errorBudgetWindowMin, freezeForMs,
                fastThreshold, fastLongMin, fastShortMin, slowThreshold, slowLongMin, slowShortMin,
                ingestThreshold, ingestWindowMin, ingestHeldMs, readThresholdMs, writeThresholdMs, latencyWindowMin,
                latencyHeldMs, lagThreshold, lagHeldMs, compensationAbove, autonomyBelow, autonomyWindowMin, confidence, keepFiringForMs, priorStrength, autonomyPriorStrength, canary);
    }

    OracleConfig withGraceSeconds(int s) {
        return new OracleConfig(s * 1000L, minEvents, sloApi, sloIngest, errorBudgetThreshold, errorBudgetWindowMin, freezeForMs,
                fastThreshold, fastLongMin, fastShortMin, slowThreshold, slowLongMin, slowShortMin,
                ingestThreshold, ingestWindowMin, ingestHeldMs, readThresholdMs, writeThresholdMs, latencyWindowMin,
                latencyHeldMs, lagThreshold, lagHeldMs, compensationAbove, autonomyBelow, autonomyWindowMin, confidence, keepFiringForMs, priorStrength, autonomyPriorStrength, canary);
    }

    /** What-if windows short enough to slide within a scenario: error-budget window and freeze, autonomy windows. */
    OracleConfig withShortWindows(int errorBudgetMin, int freezeMin, int autonomyMin) {
        return new OracleConfig(graceMs, minEvents, sloApi, sloIngest, errorBudgetThreshold, errorBudgetMin, freezeMin * 60_000L,
                fastThreshold, fastLongMin, fastShortMin, slowThreshold, slowLongMin, slowShortMin,
                ingestThreshold, ingestWindowMin, ingestHeldMs, readThresholdMs, writeThresholdMs, latencyWindowMin,
                latencyHeldMs, lagThreshold, lagHeldMs, compensationAbove, autonomyBelow, autonomyMin, confidence, keepFiringForMs, priorStrength, autonomyPriorStrength, canary);
    }

    OracleConfig withLatencyHeldMinutes(int m) {
        return new OracleConfig(graceMs, minEvents, sloApi, sloIngest, errorBudgetThreshold, errorBudgetWindowMin, freezeForMs,
                fastThreshold, fastLongMin, fastShortMin, slowThreshold, slowLongMin, slowShortMin,
                ingestThreshold, ingestWindowMin, ingestHeldMs, readThresholdMs, writeThresholdMs, latencyWindowMin,
                m * 60_000L, lagThreshold, lagHeldMs, compensationAbove, autonomyBelow, autonomyWindowMin, confidence, keepFiringForMs, priorStrength, autonomyPriorStrength, canary);
    }

    OracleConfig withSlo(String api, String ingest) {
        return new OracleConfig(graceMs, minEvents, new BigDecimal(api), new BigDecimal(ingest), errorBudgetThreshold,
                errorBudgetWindowMin, freezeForMs, fastThreshold, fastLongMin, fastShortMin, slowThreshold, slowLongMin, slowShortMin,
                ingestThreshold, ingestWindowMin, ingestHeldMs, readThresholdMs, writeThresholdMs, latencyWindowMin,
                latencyHeldMs, lagThreshold, lagHeldMs, compensationAbove, autonomyBelow, autonomyWindowMin, confidence, keepFiringForMs, priorStrength, autonomyPriorStrength, canary);
    }

    /** {@code null} confidence: the plain estimate ({@code confidence: off}). */
    OracleConfig withConfidence(BigDecimal c) {
        return new OracleConfig(graceMs, minEvents, sloApi, sloIngest, errorBudgetThreshold, errorBudgetWindowMin, freezeForMs,
                fastThreshold, fastLongMin, fastShortMin, slowThreshold, slowLongMin, slowShortMin,
                ingestThreshold, ingestWindowMin, ingestHeldMs, readThresholdMs, writeThresholdMs, latencyWindowMin,
                latencyHeldMs, lagThreshold, lagHeldMs, compensationAbove, autonomyBelow, autonomyWindowMin, c, keepFiringForMs, priorStrength, autonomyPriorStrength, canary);
    }

    /** The e-value's prior strength c: global (request tripwires) and of the two autonomy tripwires. */
    OracleConfig withPriorStrength(double requests, double autonomy) {
        return new OracleConfig(graceMs, minEvents, sloApi, sloIngest, errorBudgetThreshold, errorBudgetWindowMin, freezeForMs,
                fastThreshold, fastLongMin, fastShortMin, slowThreshold, slowLongMin, slowShortMin,
                ingestThreshold, ingestWindowMin, ingestHeldMs, readThresholdMs, writeThresholdMs, latencyWindowMin,
                latencyHeldMs, lagThreshold, lagHeldMs, compensationAbove, autonomyBelow, autonomyWindowMin, confidence, keepFiringForMs,
                requests, autonomy, canary);
    }

    /** min-events of the canary tripwires (the stage's requests of each cohort before a bucket counts; τ's baseline requests). */
    OracleConfig withCanaryMinEvents(int n) {
        return new OracleConfig(graceMs, minEvents, sloApi, sloIngest, errorBudgetThreshold, errorBudgetWindowMin, freezeForMs,
                fastThreshold, fastLongMin, fastShortMin, slowThreshold, slowLongMin, slowShortMin,
                ingestThreshold, ingestWindowMin, ingestHeldMs, readThresholdMs, writeThresholdMs, latencyWindowMin,
                latencyHeldMs, lagThreshold, lagHeldMs, compensationAbove, autonomyBelow, autonomyWindowMin, confidence, keepFiringForMs,
                priorStrength, autonomyPriorStrength, new CanaryConfig(canary.confidence(), canary.tolerance(), n, canary.settleMs()));
    }

    /** keep-firing-for of every windowed tripwire. */
    OracleConfig withKeepFiringForMinutes(int m) {
        return new OracleConfig(graceMs, minEvents, sloApi, sloIngest, errorBudgetThreshold, errorBudgetWindowMin, freezeForMs,
                fastThreshold, fastLongMin, fastShortMin, slowThreshold, slowLongMin, slowShortMin,
                ingestThreshold, ingestWindowMin, ingestHeldMs, readThresholdMs, writeThresholdMs, latencyWindowMin,
                latencyHeldMs, lagThreshold, lagHeldMs, compensationAbove, autonomyBelow, autonomyWindowMin, confidence, m * 60_000L, priorStrength, autonomyPriorStrength, canary);
    }

    static final String[] WINDOWED = {"error-budget", "burn-rate-fast", "burn-rate-slow", "ingest-errors", "read-latency",
            "write-latency", "replica-lag", "cache-hit", "cost-budget", "autonomy-compensation", "autonomy-rate", "simulation-delta"};

    BigDecimal slo(String service) {
        return Map.of("api", sloApi, "ingest", sloIngest).getOrDefault(service, sloApi); // default-service: api
    }

    /** The engine's --set overrides for the fields this harness varies. */
    String[] engineSets() {
        List<String> sets = new ArrayList<>();
        if (minEvents != DEFAULTS.minEvents) {
            sets.add("min-events=" + minEvents);
        }
        if (graceMs != DEFAULTS.graceMs) {
            sets.add("grace=" + (graceMs / 1000) + "s");
        }
        if (errorBudgetWindowMin != DEFAULTS.errorBudgetWindowMin) {
            sets.add("tripwires.error-budget.window=" + errorBudgetWindowMin + "m");
        }
        if (freezeForMs != DEFAULTS.freezeForMs) {
            sets.add("tripwires.error-budget.freeze-for=" + (freezeForMs / 60_000) + "m");
        }
        if (autonomyWindowMin != DEFAULTS.autonomyWindowMin) {
            sets.add("tripwires.autonomy-compensation.window=" + autonomyWindowMin + "m");
            sets.add("tripwires.autonomy-rate.window=" + autonomyWindowMin + "m");
            sets.add("tripwires.simulation-delta.window=" + autonomyWindowMin + "m");
        }
        if (latencyHeldMs != DEFAULTS.latencyHeldMs) {
            sets.add("tripwires.read-latency.held-for=" + (latencyHeldMs / 60_000) + "m");
            sets.add("tripwires.write-latency.held-for=" + (latencyHeldMs / 60_000) + "m");
        }
        if (sloApi.compareTo(DEFAULTS.sloApi) != 0) {
            sets.add("slo.api=" + sloApi.toPlainString());
        }
        if (sloIngest.compareTo(DEFAULTS.sloIngest) != 0) {
            sets.add("slo.ingest=" + sloIngest.toPlainString());
        }
        if (!java.util.Objects.equals(confidence, DEFAULTS.confidence)) {
            sets.add("confidence=" + (confidence == null ? "off" : confidence.toPlainString()));
        }
        if (priorStrength != DEFAULTS.priorStrength) {
            sets.add("prior-strength=" + priorStrength);
        }
        if (autonomyPriorStrength != DEFAULTS.autonomyPriorStrength) {
            sets.add("tripwires.autonomy-compensation.prior-strength=" + autonomyPriorStrength);
            sets.add("tripwires.autonomy-rate.prior-strength=" + autonomyPriorStrength);
            sets.add("tripwires.simulation-delta.prior-strength=" + autonomyPriorStrength);
        }
        if (canary.minEvents() != DEFAULTS.canary.minEvents()) {
            sets.add("tripwires.canary-errors.min-events=" + canary.minEvents());
            sets.add("tripwires.canary-latency.min-events=" + canary.minEvents());
        }
        if (keepFiringForMs != DEFAULTS.keepFiringForMs) {
            for (String tw : WINDOWED) {
                sets.add("tripwires." + tw + ".keep-firing-for=" + (keepFiringForMs / 60_000) + "m");
            }
        }
        return sets.toArray(String[]::new);
    }
}
