package io.tripwire.engine.oracle;

import io.tripwire.engine.tripwires.Significance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The oracle's e-value (quadrature of its definition) against the reference values of
 * src/test/resources/significance/reference_evalues.py, and the engine's (log-Beta and incomplete
 * beta functions) against the oracle's over a grid: two computations that share no code.
 */
class MixtureEValueTest {

    @ParameterizedTest(name = "ln e({0} of {1} vs {2}, c {3}, above {4}) = {5}")
    @CsvSource({
        "30, 41200, 0.0004, 1000, true, 3.2248334981709523",
        "3, 100, 0.0004, 1000, true, 3.9699346286124809",
        "469, 1000000, 0.0004, 1000, true, 3.1211141567695922",
        "4233, 10000000, 0.0004, 1000, true, 3.0488307526502844",
        "31, 2100, 0.0144, 1000, true, -0.44926206989249616",
        "200, 202, 0.999, 100, false, 2.0124101944124567",
        "195, 202, 0.999, 100, false, 14.831389016331039",
        "9, 300, 0.005, 100, true, 6.9100802277500486",
        "8, 5000, 0.0004, 100, true, 3.8241431383329326",
        "0, 20000, 0.006, 1000, false, 102.66515084076029",
    })
    void quadratureOfTheDefinitionMatchesTheReference(long k, long n, double x, double c, boolean above, double expected) {
        assertThat(MixtureEValue.logE(k, n, x, c, above)).isCloseTo(expected, within(1e-9 * Math.max(1, Math.abs(expected))));
    }

    @Test
    void theEngineAndTheOracleAgreeOverAGrid() {
        for (double c : new double[] {30, 100, 1000, 10_000}) {
            for (double x : new double[] {0.0004, 0.005, 0.0144, 0.3, 0.999}) {
                for (long n : new long[] {1, 7, 100, 1000, 41_200, 2_000_000}) {
                    for (int step = 0; step <= 12; step++) {
                        // k from the expected count to several standard deviations past it, both sides
                        double sd = Math.sqrt(n * x * (1 - x));
                        for (int side = -1; side <= 1; side += 2) {
                            long k = Math.round(n * x + side * step * Math.max(1, sd) / 2);
                            if (k < 0 || k > n) {
                                continue;
                            }
                            boolean above = side > 0;
                            double oracle = MixtureEValue.logE(k, n, x, c, above);
                            double engine = Significance.logE(k, n, x, above, c);
                            assertThat(engine).as("k %d n %d x %s c %s above %s", k, n, x, c, above)
                                    .isCloseTo(oracle, within(1e-7 * Math.max(1, Math.abs(oracle))));
                        }
                    }
                }
            }
        }
    }
}
