package io.tripwire.engine;

import io.tripwire.engine.replay.ReplayEngine;
import io.tripwire.engine.replay.ReplayOutput;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static io.tripwire.engine.Events.at;
import static io.tripwire.engine.Events.rollout;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * How long the canary judgement takes to fire, measured by replaying generated stages (the table of
 * docs/tripwires.md, "Canary judgement"): minutes from the rollout step to the firing of the key, the
 * median of {@value #SEEDS} seeds, per canary share and effect, at {@value #RATE} READ requests a
 * second (baseline: 0.02% failing, median 120 ms). A measurement, not part of the default run:
 *
 * <pre>mvn -B -pl streams-app test -Dtest=CanaryDetectionTimeTest -Dcanary.table=true</pre>
 */
class CanaryDetectionTimeTest {

    static final double RATE = 20;
    static final int SEEDS = 5;
    static final int MINUTES = 90;

    /** Minutes to the first ROLLBACK_LAST_STEP of the tripwire, or MINUTES + 1 when it did not fire. */
    static double minutesToFire(String tripwire, double share, double errors, double medianMs, long seed) {
        Instant t0 = at("2025-10-06T10:00:00Z");
        List<SpecificRecord> events = new ArrayList<>();
        events.add(rollout(t0, "T", (int) Math.round(share * 100), 0));
        events.addAll(CanaryTraffic.healthy("T", t0, Duration.ofMinutes(MINUTES), RATE, share, seed).canary(errors, medianMs).requests());
        try (ReplayEngine e = Engines.engine()) {
            e.sendAll(events);
            ReplayOutput out = e.output();
            return out.actions().stream().filter(a -> a.getTripwire().equals(tripwire) && a.getAction().toString().equals("ROLLBACK_LAST_STEP"))
                    .mapToDouble(a -> Duration.between(t0, a.getFiredAt()).toSeconds() / 60.0).findFirst().orElse(MINUTES + 1);
        }
    }

    static double median(String tripwire, double share, double errors, double medianMs) {
        double[] m = new double[SEEDS];
        for (int s = 0; s < SEEDS; s++) {
            m[s] = minutesToFire(tripwire, share, errors, medianMs, 100 + s);
        }
        Arrays.sort(m);
        return m[SEEDS / 2];
    }

    @Test
    void detectionTimeTable() {
        Assumptions.assumeTrue(Boolean.getBoolean("canary.table"), "a measurement: run with -Dcanary.table=true");
        double[] shares = {0.02, 0.10, 0.25};
        String[] effects = {"latency 1.3x", "latency 1.6x", "latency 2x", "errors 5x", "errors 28x"};
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "| effect (%s READ requests/s) | 2%% canary | 10%% | 25%% |%n|---|---:|---:|---:|%n", (int) RATE));
        double[][] got = new double[effects.length][shares.length];
        for (int e = 0; e < effects.length; e++) {
            table.append("| ").append(effects[e]);
            for (int s = 0; s < shares.length; s++) {
                double min = switch (e) {
                    case 0 -> median("canary-latency", shares[s], 0.0002, 156);
                    case 1 -> median("canary-latency", shares[s], 0.0002, 192);
                    case 2 -> median("canary-latency", shares[s], 0.0002, 240);
                    case 3 -> median("canary-errors", shares[s], 0.001, 120);
                    default -> median("canary-errors", shares[s], 0.0056, 120);
                };
                got[e][s] = min;
                table.append(" | ").append(min > MINUTES ? "> " + MINUTES : String.format(Locale.ROOT, "%.0f", min));
            }
            table.append(" |\n");
        }
        System.out.print(table);
        // a stronger effect or a larger share is caught no later (medians of the same seeds)
        assertThat(got[1][1]).isLessThanOrEqualTo(got[0][1]);
        assertThat(got[1][2]).isLessThanOrEqualTo(got[1][0]);
    }
}
