package io.tripwire.engine.tripwires;

import io.tripwire.engine.rules.RuleDefaults;
import io.tripwire.engine.rules.RuleNode;
import org.apache.commons.numbers.gamma.LogBeta;
import org.apache.commons.numbers.gamma.RegularizedBeta;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * The guard of every ratio tripwire (SPEC section 3, "Significance"): the one-sided beta-binomial
 * mixture e-value against "the true rate is the threshold rate x", for k events of n. A key fires
 * only when its estimate k/n is past x and e ≥ 1/(1 − confidence). The engine looks after every
 * event; because e is a nonnegative supermartingale under "the rate is x" (Ville's inequality),
 * a key whose true rate is x ever reaches 1/(1 − confidence) with probability at most
 * 1 − confidence, however often it is looked at. A fixed-n test looked at that often does not
 * have that property (docs/tripwires.md, "Significance").
 *
 * <pre>
 *   above x:  e = [B(a+k, b+n−k) · Ī_x(a+k, b+n−k)] / [B(a, b) · Ī_x(a, b)] / [x^k (1−x)^(n−k)]
 *   below x:  the same with I_x in place of Ī_x
 *   a = c·x, b = c·(1 − x), c = prior strength
 * </pre>
 *
 * Computed in log space: log-Beta and the regularized incomplete beta function and its
 * complement (accurate in the upper tail) from commons-numbers-gamma. {@link #OFF} passes every
 * proportion (the plain estimate).
 *
 * @param confidence    in (0, 1), or NaN for off
 * @param priorStrength c > 0, the weight of the Beta prior (the test is most sensitive near n ≈ 6c); NaN when off
 */
public record Significance(double confidence, double priorStrength) {

    public static final Significance OFF = new Significance(Double.NaN, Double.NaN);

    /** The rules file key of the confidence, global and per tripwire. */
    public static final String KEY = "confidence";

    /** The rules file key of the prior strength, global and per tripwire. */
    public static final String PRIOR_KEY = "prior-strength";

    /** The default prior strength (the autonomy tripwires set 100 in the shipped rules). */
    public static final double DEFAULT_PRIOR_STRENGTH = 1000;

    public boolean on() {
        return !Double.isNaN(confidence);
    }

    /** The e-value a key needs to fire: 1/(1 − confidence), 20 at 95%. */
    public double level() {
        return 1.0 / (1.0 - confidence);
    }

    /**
     * Whether the evidence for "the rate is past x" (above or below) reaches the level; always
     * true when off. Only meaningful when the estimate k/n is past x: callers ask only then.
     */
    public boolean rejects(long k, long n, double x, boolean above) {
        return !on() || logE(k, n, x, above, priorStrength) >= Math.log(level());
    }

    /** The e-value and its anytime-valid p-value, for evidence; NaN when off. */
    public Test test(long k, long n, double x, boolean above) {
        if (!on()) {
            return new Test(Double.NaN, Double.NaN);
        }
        double logE = logE(k, n, x, above, priorStrength);
        return new Test(Math.exp(Math.min(logE, MAX_LOG)), Math.min(1.0, Math.exp(-logE)));
    }

    /** The largest e evidence shows: finite after rounding to 4 digits (Double.MAX_VALUE rounds up to infinity). */
    public static final double MAX_E = 1e300;
    private static final double MAX_LOG = Math.log(MAX_E);

    /**
     * ln e for k of n against the rate x, on the side {@code above} (x &lt; rate) or below, with
     * prior strength c. 0 (e = 1) for n = 0; k beyond n (compensations of ops decided before the
     * window) counts as n.
     */
    public static double logE(long k, long n, double x, boolean above, double c) {
        if (n <= 0) {
            return 0.0;
        }
        long kk = Math.max(0, Math.min(k, n));
        if (!(x > 0 && x < 1)) {
            // a rate of 0 or 1 allows no events on one side: any event there is conclusive
            boolean conclusive = above ? x <= 0 && kk > 0 : x >= 1 && kk < n;
            return conclusive ? Double.POSITIVE_INFINITY : 0.0;
        }
        double a = c * x;
        double b = c * (1 - x);
        double alpha = a + kk;
        double beta = b + (n - kk);
        double posterior = LogBeta.value(alpha, beta) + Math.log(tail(x, alpha, beta, above));
        double prior = LogBeta.value(a, b) + Math.log(tail(x, a, b, above));
        double likelihood = kk * Math.log(x) + (n - kk) * Math.log1p(-x);
        return posterior - prior - likelihood;
    }

    /** Ī_x(α, β) (the mass above x) when {@code above}, else I_x(α, β). */
    private static double tail(double x, double alpha, double beta, boolean above) {
        return above ? RegularizedBeta.complement(x, alpha, beta) : RegularizedBeta.value(x, alpha, beta);
    }

    /** Reads {@code confidence} and {@code prior-strength} of a tripwire mapping, else the global ones. */
    public static Significance parse(RuleNode n, RuleDefaults defaults) {
        double confidence = n.confidence(KEY, defaults.confidence());
        double c = n.has(PRIOR_KEY) ? n.positive(PRIOR_KEY) : defaults.priorStrength();
        return Double.isNaN(confidence) ? OFF : new Significance(confidence, c);
    }

    /** "95%", "99.9%". */
    public String percent() {
        return new BigDecimal(confidence * 100).round(new MathContext(6)).stripTrailingZeros().toPlainString() + "%";
    }

    /**
     * Adds the guard's figures to the evidence of a firing: {@code e} and {@code p} under
     * {@code e<suffix>}, {@code p<suffix>} (a burn rate has one pair per window), the confidence,
     * the prior strength and {@code pastSince}, when the estimate first went past the threshold in
     * this run (where a plain threshold would have fired). Nothing when off, so the evidence (and its
     * id) stays what it was before the guard.
     */
    public void addEvidence(Map<String, Object> evidence, String suffix, Test t, HoldState s) {
        if (!on()) {
            return;
        }
        evidence.put("e" + suffix, Round.ratio(t.e()));
        evidence.put("p" + suffix, Round.ratio(t.p()));
        evidence.put("confidence", confidence);
        evidence.put("priorStrength", priorStrength);
        if (s.pastSince() >= 0) {
            evidence.put("pastSince", Instant.ofEpochMilli(s.pastSince()).toString());
        }
    }

    /** "; e = 25.1, p = 0.04 at 95% confidence", or nothing when off: the tail of a ratio reason. */
    public String reasonTail(Test t) {
        return on() ? "; " + t.text() + " at " + percent() + " confidence" : "";
    }

    /**
     * One evaluation of the guard.
     *
     * @param e the e-value (capped at {@link #MAX_E})
     * @param p min(1, 1/e), the anytime-valid p-value
     */
    public record Test(double e, double p) {

        /** "e = 25.1, p = 0.04". */
        public String text() {
            return "e = " + eText(e) + ", p " + pText(p);
        }

        /** Three significant digits, in scientific notation from a million. */
        public static String eText(double e) {
            if (e >= 1e6) {
                return String.format(Locale.ROOT, "%.2e", e).replace("e+0", "e").replace("e+", "e");
            }
            return new BigDecimal(e).round(new MathContext(3)).stripTrailingZeros().toPlainString();
        }

        /** "= 0.04", "< 0.0001" below that. */
        public static String pText(double p) {
            if (p < 1e-4) {
                return "< 0.0001";
            }
            return "= " + new BigDecimal(p).round(new MathContext(2)).stripTrailingZeros().toPlainString();
        }
    }
}
