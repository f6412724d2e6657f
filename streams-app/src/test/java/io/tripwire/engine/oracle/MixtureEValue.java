package io.tripwire.engine.oracle;

/**
 * The beta-binomial mixture e-value of SPEC 3 "Significance" for the oracle, straight from its
 * meaning: the likelihood ratio of a Beta(a, b) prior truncated to the breach side of x against the
 * point x,
 *
 * <pre>
 *   e = ∫_side t^(a+k−1) (1−t)^(b+n−k−1) dt / ∫_side t^(a−1) (1−t)^(b−1) dt / (x^k (1−x)^(n−k))
 * </pre>
 *
 * with side = [x, 1] above and [0, x] below, a = c·x, b = c·(1 − x). Both integrals by tanh-sinh
 * quadrature in log space on pieces cut around the integrand's peak. Deliberately not the log-Beta
 * and incomplete beta functions the engine uses, so the two check each other.
 */
public final class MixtureEValue {

    private static final double H = 1.0 / 32;      // tanh-sinh step
    private static final double S_MAX = 3.25;      // 1 − tanh(π/2 sinh 3.25) ≈ 1e-17: the ends are reached
    private static final double[] CUTS = {-64, -32, -16, -8, -4, -2, -1, 0, 1, 2, 4, 8, 16, 32, 64};

    private MixtureEValue() {
    }

    /** ln e; k beyond n (compensations of ops decided before the window) counts as n (docs/tripwires.md). */
    public static double logE(long k, long n, double x, double c, boolean above) {
        if (n == 0) {
            return 0;
        }
        long kk = Math.min(k, n);
        double a = c * x;
        double b = c * (1 - x);
        double lo = above ? x : 0;
        double hi = above ? 1 : x;
        return logIntegral(a + kk, b + n - kk, lo, hi) - logIntegral(a, b, lo, hi)
                - (kk * Math.log(x) + (n - kk) * Math.log1p(-x));
    }

    /** ln ∫_lo^hi t^(α−1) (1−t)^(β−1) dt. */
    static double logIntegral(double alpha, double beta, double lo, double hi) {
        double mean = alpha / (alpha + beta);
        double sd = Math.sqrt(alpha * beta / ((alpha + beta) * (alpha + beta) * (alpha + beta + 1)));
        double peak = alpha > 1 && beta > 1 ? (alpha - 1) / (alpha + beta - 2) : mean;
        java.util.TreeSet<Double> points = new java.util.TreeSet<>();
        points.add(lo);
        points.add(hi);
        for (double j : CUTS) {
            double p = peak + j * sd;
            if (p > lo && p < hi) {
                points.add(p);
            }
        }
        Double[] cut = points.toArray(Double[]::new);
        // log of each piece, then log-sum-exp over the pieces
        double[] logs = new double[cut.length - 1];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < logs.length; i++) {
            logs[i] = cut[i] == 0 && alpha < 1 ? logSingularAtZero(alpha, beta, cut[i + 1])
                    : cut[i + 1] == 1 && beta < 1 ? logSingularAtZero(beta, alpha, 1 - cut[i]) // t -> 1 - t
                    : logPiece(alpha, beta, cut[i], cut[i + 1]);
            max = Math.max(max, logs[i]);
        }
        double sum = 0;
        for (double l : logs) {
            sum += Math.exp(l - max);
        }
        return max + Math.log(sum);
    }

    /**
     * ln ∫_0^q t^(α−1) (1−t)^(β−1) dt for α &lt; 1, where most of the mass may sit far closer to 0
     * than any quadrature node: with t = q·w^(1/α) it is (q^α / α) ∫_0^1 (1 − q·w^(1/α))^(β−1) dw,
     * a smooth integrand.
     */
    private static double logSingularAtZero(double alpha, double beta, double q) {
        int n = (int) Math.ceil(S_MAX / H);
        double[] logTerms = new double[2 * n + 1];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = -n; j <= n; j++) {
            double s = j * H;
            double w = 1 / (1 + Math.exp(-Math.PI * Math.sinh(s))); // tanh-sinh node on [0, 1]
            double logWeight = Math.log(0.5) + Math.log(Math.PI / 2) + logCosh(s) - 2 * logCosh(Math.PI / 2 * Math.sinh(s));
            double l = (beta - 1) * Math.log1p(-q * Math.pow(w, 1 / alpha)) + logWeight;
            logTerms[j + n] = l;
            max = Math.max(max, l);
        }
        double sum = 0;
        for (double l : logTerms) {
            sum += Math.exp(l - max);
        }
        return alpha * Math.log(q) - Math.log(alpha) + max + Math.log(sum * H);
    }

    /**
     * ln ∫_p^q of the integrand by tanh-sinh: t = mid + half·tanh(π/2 sinh s). Near each end the
     * distance to it is computed directly (2 / (1 + e^(±π sinh s))), so t and 1 − t stay exact
     * where the integrand is singular (t near 0 or 1).
     */
    private static double logPiece(double alpha, double beta, double p, double q) {
        double half = (q - p) / 2;
        int n = (int) Math.ceil(S_MAX / H);
        double[] logTerms = new double[2 * n + 1];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = -n; j <= n; j++) {
            double s = j * H;
            double v = Math.PI / 2 * Math.sinh(s);
            double t;
            double oneMinusT;
            if (s < 0) {
                double d = half * 2 / (1 + Math.exp(-Math.PI * Math.sinh(s)));  // distance from p
                t = p + d;
                oneMinusT = (1 - p) - d;
            } else {
                double d = half * 2 / (1 + Math.exp(Math.PI * Math.sinh(s)));   // distance from q
                t = q - d;
                oneMinusT = (1 - q) + d;
            }
            double l;
            if (t <= 0 || oneMinusT <= 0) {
                l = Double.NEGATIVE_INFINITY;
            } else {
                double logWeight = Math.log(half) + Math.log(Math.PI / 2) + logCosh(s) - 2 * logCosh(v);
                l = (alpha - 1) * Math.log(t) + (beta - 1) * Math.log(oneMinusT) + logWeight;
            }
            logTerms[j + n] = l;
            max = Math.max(max, l);
        }
        if (max == Double.NEGATIVE_INFINITY) {
            return max;
        }
        double sum = 0;
        for (double l : logTerms) {
            sum += Math.exp(l - max);
        }
        return max + Math.log(sum * H);
    }

    private static double logCosh(double v) {
        double a = Math.abs(v);
        return a + Math.log1p(Math.exp(-2 * a)) - Math.log(2);
    }
}
