package io.tripwire.engine.tripwires;

import io.tripwire.engine.rules.RuleDefaults;
import io.tripwire.engine.rules.RuleNode;
import org.apache.commons.math3.special.Beta;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.util.Map;

/**
 * The guard of every ratio tripwire (SPEC section 3, "Significance"): an exact one-sided binomial
 * test of "the true rate is the threshold rate x" for k events of n. A key fires only when the
 * test rejects at {@code confidence}; {@link #OFF} passes every proportion (the plain estimate).
 *
 * <p>P(X ≥ k) = I_x(k, n − k + 1) and P(X ≤ k) = I_{1−x}(n − k, k + 1), X ~ Binomial(n, x), with
 * I the regularized incomplete beta function of commons-math3. The second form keeps the
 * "below" tail exact where 1 − P(X ≥ k + 1) would cancel.
 *
 * @param confidence in (0, 1), or NaN for off
 */
public record Significance(double confidence) {

    public static final Significance OFF = new Significance(Double.NaN);

    /** The rules file key, global and per tripwire. */
    public static final String KEY = "confidence";

    public boolean on() {
        return !Double.isNaN(confidence);
    }

    /**
     * Whether the test rejects "the true rate is x" for {@code k} of {@code n}: P &lt; 1 − confidence,
     * P being the tail on the side of {@code above}. Always true when off.
     */
    public boolean rejects(long k, long n, double x, boolean above) {
        return !on() || probability(k, n, x, above) < 1.0 - confidence;
    }

    /** The test's probability: P(X ≥ k) when {@code above}, else P(X ≤ k), X ~ Binomial(n, x). */
    public static double probability(long k, long n, double x, boolean above) {
        if (n <= 0) {
            return 1.0;
        }
        if (above) {
            if (k <= 0 || x >= 1) {
                return 1.0;
            }
            return k > n ? 0.0 : Beta.regularizedBeta(x, k, n - k + 1);
        }
        if (k >= n || x <= 0) {
            return 1.0;
        }
        return k < 0 ? 0.0 : Beta.regularizedBeta(1 - x, n - k, k + 1);
    }

    /** Reads {@code confidence} of a tripwire mapping (a number in (0, 1), or {@code off}), else the global one. */
    public static Significance parse(RuleNode n, RuleDefaults defaults) {
        return new Significance(n.confidence(KEY, defaults.confidence()));
    }

    /** "95%", "99.9%". */
    public String percent() {
        return new BigDecimal(confidence * 100).round(new MathContext(6)).stripTrailingZeros().toPlainString() + "%";
    }

    /** The probability for a reason: two significant digits, "< 0.0001" below that. */
    public static String text(double p) {
        if (p < 1e-4) {
            return "< 0.0001";
        }
        return "= " + new BigDecimal(p).round(new MathContext(2)).stripTrailingZeros().toPlainString();
    }

    /**
     * Adds the guard's figures to the evidence of a firing: the test's probability {@code p} under
     * {@code pKey} (a burn rate has one per window), the confidence, and {@code pastSince}, when the
     * estimate first went past the threshold in this run (where a plain threshold would have fired).
     * Nothing when off, so the evidence (and its id) stays what it was before the guard.
     */
    public void addEvidence(Map<String, Object> evidence, String pKey, double p, HoldState s) {
        if (!on()) {
            return;
        }
        evidence.put(pKey, Round.ratio(p));
        evidence.put("confidence", confidence);
        if (s.pastSince() >= 0) {
            evidence.put("pastSince", Instant.ofEpochMilli(s.pastSince()).toString());
        }
    }

    /** "; p = 0.004 at 95% confidence", or nothing when off: the tail of a ratio reason. */
    public String reasonTail(double p) {
        return on() ? "; p " + text(p) + " at " + percent() + " confidence" : "";
    }
}
