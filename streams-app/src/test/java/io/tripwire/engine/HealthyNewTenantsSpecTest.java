package io.tripwire.engine;

import io.tripwire.engine.replay.ReplayEngine;
import io.tripwire.engine.replay.ReplayOutput;
import io.tripwire.schemas.TripwireAction;
import org.apache.commons.numbers.gamma.RegularizedBeta;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

import static io.tripwire.engine.Events.at;
import static io.tripwire.engine.Events.request;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC 3 "Significance", as a new user onboarding tenants meets it: {@value #TENANTS} new tenants
 * (empty 24h windows) whose true 5xx rate is 0.75 of the error-budget rate (budget remaining 0.70:
 * healthy), one request a second each for three hours, and in the same run one tenant really
 * burning (2% failing). The engine fires nothing for the healthy tenants and rolls the burning one
 * back; the rule it replaced (a fixed-n exact binomial test at 95% re-checked after every request),
 * applied to the very same requests, rolls several healthy tenants back: the run tells the two
 * rules apart.
 */
class HealthyNewTenantsSpecTest {

    static final int TENANTS = 60;
    static final int SECONDS = 3 * 3600;
    static final double THRESHOLD_RATE = 0.0004;         // (1 - 0.60) x (1 - 0.999): error-budget, api
    static final double HEALTHY_RATE = 0.75 * THRESHOLD_RATE;
    static final double BURN_RATE = 0.02;
    static final String BURNING = "TENANT_BURN";

    @Test
    void healthyNewTenantsFireNothingWhileARealBurnInTheSameRunIsRolledBack() {
        SplittableRandom rnd = new SplittableRandom(21);
        Instant t0 = at("2025-10-06T10:00:00Z");
        int[] phaseMs = new int[TENANTS + 1];
        for (int i = 0; i <= TENANTS; i++) {
            phaseMs[i] = rnd.nextInt(1000);
        }
        OldRule[] old = new OldRule[TENANTS];
        for (int i = 0; i < TENANTS; i++) {
            old[i] = new OldRule();
        }
        ReplayOutput out;
        try (ReplayEngine engine = Engines.engine()) {
            long line = 0;
            for (int s = 0; s < SECONDS; s++) {
                for (int i = 0; i <= TENANTS; i++) {
                    boolean burning = i == TENANTS;
                    boolean bad = rnd.nextDouble() < (burning ? BURN_RATE : HEALTHY_RATE);
                    String tenant = burning ? BURNING : String.format("NEW_%03d", i);
                    engine.send(request(t0.plusMillis(s * 1000L + phaseMs[i]), tenant, "api", "READ", bad ? 503 : 200, 90), ++line, "");
                    if (!burning) {
                        old[i].request(bad);
                    }
                }
            }
            out = engine.output();
        }

        List<TripwireAction> healthy = out.actions().stream().filter(a -> !a.getTenant().equals(BURNING)).toList();
        assertThat(healthy).as("actions for healthy tenants").isEmpty();
        assertThat(Actions.of(out, "error-budget")).filteredOn(a -> a.getTenant().equals(BURNING))
                .extracting(a -> a.getAction().toString()).startsWith("ROLLBACK_LAST_STEP", "FREEZE_RAMP", "OPEN_INCIDENT");

        // the replaced rule, on the same requests: how many healthy tenants it would have rolled back
        TreeSet<String> oldRollbacks = new TreeSet<>();
        for (int i = 0; i < TENANTS; i++) {
            if (old[i].firedAt >= 0) {
                oldRollbacks.add(String.format("NEW_%03d at request %d (bad %d / total %d)", i, old[i].firedAt, old[i].badAtFiring, old[i].firedAt));
            }
        }
        System.out.printf("healthy new tenants (%d, 3 h at 1 request/s, true rate 0.75 x threshold): e-value rolled back 0, "
                + "the fixed-n test re-checked per request %d: %s%n", TENANTS, oldRollbacks.size(), oldRollbacks);
        assertThat(oldRollbacks).as("the run must be able to tell the old rule from the new one").hasSizeGreaterThanOrEqualTo(3);
    }

    /** error-budget as it was: past the threshold on at least 100 requests and P(X ≥ bad) < 0.05, X ~ Binomial(total, x). */
    static final class OldRule {
        long total;
        long bad;
        long firedAt = -1;
        long badAtFiring;

        void request(boolean isBad) {
            total++;
            if (isBad) {
                bad++;
            }
            if (firedAt < 0 && total >= 100 && bad > THRESHOLD_RATE * total
                    && RegularizedBeta.value(THRESHOLD_RATE, bad, total - bad + 1.0) < 0.05) { // P(X >= bad)
                firedAt = total;
                badAtFiring = bad;
            }
        }
    }
}
