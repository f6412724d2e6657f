package io.tripwire.engine.oracle;

import java.util.Arrays;

/**
 * Binomial tails for the oracle, straight from the definition: sums of the probability mass
 * function, computed in log space from a table of log factorials. Deliberately not the incomplete
 * beta function the engine uses, so the two check each other.
 */
final class Binomial {

    private static double[] logFactorial = {0.0};

    private Binomial() {
    }

    private static synchronized double logFact(int n) {
        if (n >= logFactorial.length) {
            int old = logFactorial.length;
            logFactorial = Arrays.copyOf(logFactorial, Math.max(n + 1, old * 2));
            for (int i = old; i < logFactorial.length; i++) {
                logFactorial[i] = logFactorial[i - 1] + Math.log(i);
            }
        }
        return logFactorial[n];
    }

    /** P(X = j), X ~ Binomial(n, x), 0 < x < 1. */
    private static double pmf(int j, int n, double x) {
        return Math.exp(logFact(n) - logFact(j) - logFact(n - j) + j * Math.log(x) + (n - j) * Math.log1p(-x));
    }

    /** P(X >= k). */
    static double atLeast(long k, long n, double x) {
        if (k <= 0) {
            return 1.0;
        }
        if (k > n) {
            return 0.0;
        }
        double sum = 0;
        for (int j = (int) k; j <= n; j++) {
            double term = pmf(j, (int) n, x);
            sum += term;
            if (j > n * x && term < sum * 1e-17) {
                break; // past the mode the terms only shrink
            }
        }
        return Math.min(1.0, sum);
    }

    /** P(X <= k). */
    static double atMost(long k, long n, double x) {
        if (k >= n) {
            return 1.0;
        }
        if (k < 0) {
            return 0.0;
        }
        double sum = 0;
        for (int j = (int) k; j >= 0; j--) {
            double term = pmf(j, (int) n, x);
            sum += term;
            if (j < n * x && term < sum * 1e-17) {
                break; // below the mode the terms only shrink
            }
        }
        return Math.min(1.0, sum);
    }
}
