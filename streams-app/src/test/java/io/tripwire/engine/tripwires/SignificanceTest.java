package io.tripwire.engine.tripwires;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The beta-binomial mixture e-value of SPEC 3 "Significance", against values computed from its
 * definition by quadrature at 30 digits (src/test/resources/significance/reference_evalues.py,
 * mpmath), not with the incomplete beta function the engine uses.
 */
class SignificanceTest {

    @ParameterizedTest(name = "ln e({0} of {1} vs {2}, c {3}, above {4}) = {5}")
    @CsvSource({
        "30, 41200, 0.0004, 1000, true, 3.2248334981709523",
        "29, 41200, 0.0004, 1000, true, 2.6679934450147026",
        "3, 100, 0.0004, 1000, true, 3.9699346286124809",
        "2, 100, 0.0004, 1000, true, 2.2401523673831294",
        "469, 1000000, 0.0004, 1000, true, 3.1211141567695922",
        "468, 1000000, 0.0004, 1000, true, 2.9641093277142366",
        "4233, 10000000, 0.0004, 1000, true, 3.0488307526502844",
        "31, 2100, 0.0144, 1000, true, -0.44926206989249616",
        "200, 202, 0.999, 100, false, 2.0124101944124567",
        "195, 202, 0.999, 100, false, 14.831389016331039",
        "5, 300, 0.005, 100, true, 1.8606019056655404",
        "9, 300, 0.005, 100, true, 6.9100802277500486",
        "13, 1521, 0.005, 1000, true, 1.0987502504256601",
        "1, 191, 0.0004, 1000, true, 0.79561811832505513",
        "8, 5000, 0.0004, 100, true, 3.8241431383329326",
        "10, 1500, 0.006, 1000, false, -0.71614617039686378",
        "0, 20000, 0.006, 1000, false, 102.66515084076029",
    })
    void agreesWithTheDefinitionComputedByQuadrature(long k, long n, double x, double c, boolean above, double expected) {
        assertThat(Significance.logE(k, n, x, above, c)).isCloseTo(expected, within(1e-9 * Math.max(1, Math.abs(expected))));
    }

    /** The smallest k past x whose e reaches 20 (SPEC 3: 95% confidence). */
    private static long errorsToFire(long n, double x, double c) {
        for (long k = (long) Math.floor(n * x) + 1; k <= n; k++) {
            if (Significance.logE(k, n, x, true, c) >= Math.log(20)) {
                return k;
            }
        }
        return -1;
    }

    @Test
    void theWorkedExampleOfTheIssueAndTheDocs() {
        // an api tenant (x = 0.4 x 0.001) at prior strength 1000: 3 errors among the first 100 requests,
        // 30 among 41,200 (where the fixed-n test wanted 24) and 469 among a million (434)
        assertThat(errorsToFire(100, 0.0004, 1000)).isEqualTo(3);
        assertThat(errorsToFire(41_200, 0.0004, 1000)).isEqualTo(30);
        assertThat(errorsToFire(1_000_000, 0.0004, 1000)).isEqualTo(469);
        assertThat(new Significance(0.95, 1000).test(30, 41_200, 0.0004, true).e()).isCloseTo(Math.exp(3.2248334981709523), within(1e-9));
    }

    @Test
    void growsWithEveryEventOnTheBreachSide() {
        // the likelihood ratio of each p past x grows with k (above) or shrinks (below), so does the mixture
        double last = Double.NEGATIVE_INFINITY;
        for (long k = 1; k <= 60; k++) {
            double e = Significance.logE(k, 20_000, 0.0004, true, 1000);
            assertThat(e).isGreaterThan(last);
            last = e;
        }
        last = Double.NEGATIVE_INFINITY;
        for (long k = 500; k >= 400; k--) {
            double e = Significance.logE(k, 500, 0.999, false, 100);
            assertThat(e).isGreaterThan(last);
            last = e;
        }
    }

    @Test
    void edgesNeedNoSpecialCareFromCallers() {
        assertThat(Significance.logE(3, 0, 0.01, true, 1000)).isZero(); // nothing seen: e = 1
        // compensations may outnumber decided ops (ops decided before the window): counted as n of n
        assertThat(Significance.logE(501, 500, 0.005, true, 100)).isEqualTo(Significance.logE(500, 500, 0.005, true, 100)).isGreaterThan(100);
        assertThat(Significance.logE(0, 500, 0.0, true, 100)).isZero();
        assertThat(Significance.logE(1, 500, 0.0, true, 100)).isInfinite();
        Significance.Test huge = new Significance(0.95, 100).test(500, 500, 0.005, true);
        assertThat(huge.e()).isFinite().isGreaterThan(1e100); // finite: evidence is JSON
        assertThat(Round.ratio(huge.e())).isFinite(); // also once rounded for the evidence (the largest double rounds up to infinity)
        assertThat(huge.p()).isLessThan(1e-100);
    }

    @Test
    void rejectsFromOneOverOneMinusConfidenceAndAlwaysWhenOff() {
        Significance s95 = new Significance(0.95, 1000);
        assertThat(s95.level()).isCloseTo(20, within(1e-9));
        assertThat(s95.rejects(2, 100, 0.0004, true)).isFalse();
        assertThat(s95.rejects(3, 100, 0.0004, true)).isTrue();
        assertThat(new Significance(0.99, 1000).rejects(3, 100, 0.0004, true)).isFalse(); // e 53 < 100
        assertThat(Significance.OFF.rejects(1, 191, 0.0004, true)).isTrue();
        assertThat(Significance.OFF.test(1, 191, 0.0004, true).e()).isNaN();
        assertThat(s95.percent()).isEqualTo("95%");
        assertThat(new Significance(0.999, 1000).percent()).isEqualTo("99.9%");
    }

    @Test
    void reasonsReadWell() {
        Significance s95 = new Significance(0.95, 1000);
        assertThat(s95.reasonTail(s95.test(30, 41_200, 0.0004, true))).isEqualTo("; e = 25.1, p = 0.04 at 95% confidence");
        assertThat(Significance.Test.eText(3.2e12)).isEqualTo("3.20e12");
        assertThat(Significance.Test.pText(2e-9)).isEqualTo("< 0.0001");
        assertThat(Significance.OFF.reasonTail(Significance.OFF.test(1, 2, 0.1, true))).isEmpty();
    }
}
