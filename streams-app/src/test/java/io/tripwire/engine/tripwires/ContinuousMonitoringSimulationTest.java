package io.tripwire.engine.tripwires;

import org.apache.commons.numbers.gamma.RegularizedBeta;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Why the ratio tripwires use an e-value (SPEC 3 "Significance", docs/tripwires.md): a simulation
 * of a key whose true rate sits exactly at its threshold p0 = 0.01, looked at after every event of
 * a growing sample, as the engine looks (from min-events, 100, on). A fixed-n exact binomial test at 95% checked that often
 * rejects far more often than 5%; the beta-binomial mixture e-value (prior strength 1000) stays
 * under 5% however long it is watched (Ville's inequality).
 *
 * <p>Both tests reject at the k-th event of n when k reaches a critical count that only grows
 * with n, so each path is checked only where an event happens (the gaps between events are
 * geometric): {@value #PATHS} paths of {@value #N} looks each, fixed seed. The figures are printed
 * for docs/tripwires.md.
 */
class ContinuousMonitoringSimulationTest {

    static final double P0 = 0.01;
    static final int N = 100_000;
    static final int PATHS = 4_000;
    static final long SEED = 20251006L;
    /** As the engine: no ratio tripwire fires on fewer events than min-events (SPEC 3). */
    static final int MIN_EVENTS = 100;

    /** crit[n]: the smallest k with P(X ≥ k) < 0.05, X ~ Binomial(n, p0): the fixed-n test looked at n. */
    static int[] fixedN() {
        int[] crit = new int[N + 1];
        int k = 1;
        for (int n = 1; n <= N; n++) {
            while (k <= n && RegularizedBeta.value(P0, k, n - k + 1.0) >= 0.05) { // P(X >= k) = I_p0(k, n - k + 1)
                k++;
            }
            crit[n] = n < MIN_EVENTS ? Integer.MAX_VALUE : k;
        }
        return crit;
    }

    /** crit[n]: the smallest k past n·p0 whose e-value reaches 20 (prior strength 1000). */
    static int[] eValue() {
        int[] crit = new int[N + 1];
        int k = 1;
        double level = Math.log(20);
        for (int n = 1; n <= N; n++) {
            k = Math.max(k, (int) Math.floor(n * P0) + 1);
            while (k <= n && Significance.logE(k, n, P0, true, 1000) < level) {
                k++;
            }
            crit[n] = n < MIN_EVENTS ? Integer.MAX_VALUE : k;
        }
        return crit;
    }

    /** Share of paths rejected by each horizon of {@code horizons}, for one critical-count table. */
    static double[] rejectedBy(int[] crit, int[] horizons, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double logMiss = Math.log1p(-P0);
        int[] firstRejection = new int[PATHS];
        for (int path = 0; path < PATHS; path++) {
            firstRejection[path] = Integer.MAX_VALUE;
            long n = 0;
            int k = 0;
            while (true) {
                n += (long) Math.floor(Math.log(1 - rnd.nextDouble()) / logMiss) + 1; // position of the next event
                if (n > N) {
                    break;
                }
                k++;
                if (k >= crit[(int) n]) {
                    firstRejection[path] = (int) n;
                    break;
                }
            }
        }
        double[] share = new double[horizons.length];
        for (int h = 0; h < horizons.length; h++) {
            int count = 0;
            for (int r : firstRejection) {
                if (r <= horizons[h]) {
                    count++;
                }
            }
            share[h] = (double) count / PATHS;
        }
        return share;
    }

    @Test
    void aFixedNTestLookedAtAfterEveryEventCriesWolfWhereTheEValueDoesNot() {
        int[] horizons = {1_000, 10_000, 100_000};
        // the same paths for both rules
        double[] fixed = rejectedBy(fixedN(), horizons, SEED);
        double[] mixture = rejectedBy(eValue(), horizons, SEED);
        System.out.printf("continuous monitoring at the threshold (p0 %s, %d paths, seed %d): rejected by n = 1,000 / 10,000 / 100,000%n",
                P0, PATHS, SEED);
        System.out.printf("  fixed-n exact binomial at 95%%: %.3f / %.3f / %.3f%n", fixed[0], fixed[1], fixed[2]);
        System.out.printf("  e-value (prior strength 1000): %.3f / %.3f / %.3f%n", mixture[0], mixture[1], mixture[2]);

        // the fixed-n test's chance of ever rejecting grows without bound as it keeps looking (0.16, 0.29, 0.42 expected)
        assertThat(fixed[0]).isGreaterThan(0.12);
        assertThat(fixed[1]).isGreaterThan(fixed[0] + 0.05);
        assertThat(fixed[2]).isGreaterThan(0.35);
        // the e-value's stays under 1 - confidence at every horizon (Ville): 4,000 paths put 0.05 ~7 standard errors above 0.025
        assertThat(mixture[2]).isLessThan(0.05);
        assertThat(mixture[0]).isLessThanOrEqualTo(mixture[1]).isLessThanOrEqualTo(mixture[2]);
    }
}
