package io.tripwire.engine.tripwires;

import org.apache.commons.numbers.combinatorics.LogBinomialCoefficient;

/**
 * The evidence of one closed minute bucket of a canary key (SPEC 3, "Canary judgement"): given the
 * bucket's margins (n_c canary and n_b baseline requests, m = k_c + k_b bad ones), k_c follows
 * Fisher's noncentral hypergeometric law under an odds ratio ψ,
 *
 * <pre>
 *   P(k_c | ψ) = C(n_c, k_c) C(n_b, m − k_c) ψ^k_c / S(ψ),   S(ψ) = Σ_j C(n_c, j) C(n_b, m − j) ψ^j
 * </pre>
 *
 * and the bucket contributes the log likelihood ratio ln L(ψ, ψ0) = k_c (ln ψ − ln ψ0) − ln S(ψ) +
 * ln S(ψ0). The canary's share of traffic never enters: conditioning on the margins removes it.
 * Log binomial coefficients from commons-numbers; S by log-sum-exp over the support. Cost: the
 * support (at most min(n_c, m) + 1 terms) times the odds ratios asked for.
 */
public final class CanaryEvidence {

    /** The odds ratios of "worse" (SPEC: G), each tested against ψ0 = 1. */
    public static final double[] WORSE = {1.25, 1.5, 2, 3, 5, 10, 20};
    /** The odds ratios of "no worse", each tested against ψ0 = tolerance. */
    public static final double[] NO_WORSE = {0.5, 1};

    private final int nC;
    private final int m;
    private final int lo;
    private final double[] logWeights;

    /** The bucket's margins; {@code nC}, {@code nB} requests of each cohort, {@code m} bad among them. */
    public CanaryEvidence(long nC, long nB, long m) {
        this.nC = Math.toIntExact(nC);
        this.m = Math.toIntExact(m);
        int nb = Math.toIntExact(nB);
        this.lo = Math.max(0, this.m - nb);
        int hi = Math.min(this.nC, this.m);
        this.logWeights = new double[Math.max(0, hi - lo + 1)];
        for (int j = lo; j <= hi; j++) {
            logWeights[j - lo] = LogBinomialCoefficient.value(this.nC, j) + LogBinomialCoefficient.value(nb, this.m - j);
        }
    }

    /** Whether the bucket can carry evidence: bad requests and both cohorts present. */
    public static boolean informative(long nC, long nB, long m) {
        return m > 0 && nC > 0 && nB > 0;
    }

    /** ln S(ψ). */
    public double logS(double psi) {
        double lp = Math.log(psi);
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < logWeights.length; i++) {
            max = Math.max(max, logWeights[i] + (lo + i) * lp);
        }
        double sum = 0;
        for (int i = 0; i < logWeights.length; i++) {
            sum += Math.exp(logWeights[i] + (lo + i) * lp - max);
        }
        return max + Math.log(sum);
    }

    /** ln L(ψ, ψ0) for the bucket's k_c. */
    public double logRatio(long kC, double psi, double psi0) {
        return kC * (Math.log(psi) - Math.log(psi0)) - logS(psi) + logS(psi0);
    }

    /**
     * Adds this bucket's evidence: ln E_R += ln L(R, 1) for R in {@link #WORSE}, ln F_R += ln L(R, T)
     * for R in {@link #NO_WORSE}, T = {@code tolerance}.
     */
    public void addTo(long kC, double[] logWorse, double[] logNoWorse, double tolerance) {
        double s1 = logS(1);
        for (int i = 0; i < WORSE.length; i++) {
            logWorse[i] += kC * Math.log(WORSE[i]) - logS(WORSE[i]) + s1;
        }
        double sT = logS(tolerance);
        for (int i = 0; i < NO_WORSE.length; i++) {
            logNoWorse[i] += kC * (Math.log(NO_WORSE[i]) - Math.log(tolerance)) - logS(NO_WORSE[i]) + sT;
        }
    }

    /** ln of the mean of exp(logs): the mixture of a grid's e-values, in log space. */
    public static double logMean(double[] logs) {
        double max = Double.NEGATIVE_INFINITY;
        for (double l : logs) {
            max = Math.max(max, l);
        }
        if (max == Double.NEGATIVE_INFINITY) {
            return max;
        }
        double sum = 0;
        for (double l : logs) {
            sum += Math.exp(l - max);
        }
        return max + Math.log(sum / logs.length);
    }
}
