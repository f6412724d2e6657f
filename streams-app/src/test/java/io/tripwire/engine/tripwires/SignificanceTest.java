package io.tripwire.engine.tripwires;

import org.apache.commons.math3.distribution.BinomialDistribution;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;
import static org.assertj.core.api.Assertions.within;

/** The exact binomial test of SPEC 3 "Significance", against values computed in rational arithmetic. */
class SignificanceTest {

    @Test
    void theUpperTailIsTheProbabilityOfAtLeastKEvents() {
        // P(X >= 1 | 191, 0.0004) = 1 - 0.9996^191
        assertThat(Significance.probability(1, 191, 0.0004, true)).isCloseTo(0.0735686055437784, within(1e-13));
        assertThat(Significance.probability(3, 1003, 0.0004, true)).isCloseTo(0.007973607355924235, within(1e-13));
        assertThat(Significance.probability(31, 2100, 0.0144, true)).isCloseTo(0.4692007184545873, within(1e-12));
        assertThat(Significance.probability(13, 1521, 0.005, true)).isCloseTo(0.046200294718552345, within(1e-12));
    }

    @Test
    void theLowerTailIsTheProbabilityOfAtMostKEvents() {
        assertThat(Significance.probability(200, 201, 0.999, false)).isCloseTo(0.18216981935084292, within(1e-12));
        assertThat(Significance.probability(200, 202, 0.999, false)).isCloseTo(0.01778595304036236, within(1e-12));
    }

    @Test
    void agreesWithTheBinomialDistributionOverAGrid() {
        for (int n : new int[] {1, 7, 100, 191, 1000, 5000}) {
            for (double x : new double[] {0.0004, 0.005, 0.0144, 0.3, 0.999}) {
                BinomialDistribution b = new BinomialDistribution(null, n, x);
                for (int k = 0; k <= n; k += Math.max(1, n / 40)) {
                    double atLeast = k == 0 ? 1.0 : 1.0 - b.cumulativeProbability(k - 1);
                    assertThat(Significance.probability(k, n, x, true)).as("P(X >= %d | %d, %s)", k, n, x)
                            .isCloseTo(atLeast, offset(1e-9));
                    assertThat(Significance.probability(k, n, x, false)).as("P(X <= %d | %d, %s)", k, n, x)
                            .isCloseTo(b.cumulativeProbability(k), offset(1e-9));
                }
            }
        }
    }

    @Test
    void edgesNeedNoSpecialCareFromCallers() {
        assertThat(Significance.probability(0, 500, 0.01, true)).isEqualTo(1.0);
        assertThat(Significance.probability(501, 500, 0.01, true)).isEqualTo(0.0); // compensations may outnumber decided ops
        assertThat(Significance.probability(500, 500, 0.999, false)).isEqualTo(1.0);
        assertThat(Significance.probability(3, 0, 0.01, true)).isEqualTo(1.0);
    }

    @Test
    void rejectsOnlyUnderOneMinusConfidenceAndAlwaysWhenOff() {
        Significance s95 = new Significance(0.95);
        assertThat(s95.rejects(1, 191, 0.0004, true)).isFalse();
        assertThat(s95.rejects(3, 1003, 0.0004, true)).isTrue();
        assertThat(Significance.OFF.rejects(1, 191, 0.0004, true)).isTrue();
        assertThat(s95.percent()).isEqualTo("95%");
        assertThat(new Significance(0.999).percent()).isEqualTo("99.9%");
        assertThat(Significance.text(0.0079736)).isEqualTo("= 0.008");
        assertThat(Significance.text(2e-9)).isEqualTo("< 0.0001");
    }
}
