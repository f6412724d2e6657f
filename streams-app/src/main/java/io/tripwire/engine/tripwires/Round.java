package io.tripwire.engine.tripwires;

import java.math.BigDecimal;
import java.math.MathContext;

/** Rounding of evidence numbers, so reasons and evidence read well and stay stable. */
final class Round {

    private Round() {
    }

    /** A ratio or rate to 4 significant digits. */
    static double ratio(double x) {
        if (!Double.isFinite(x) || x == 0) {
            return x;
        }
        return new BigDecimal(x).round(new MathContext(4)).doubleValue();
    }

    /** Short text of a number for reasons: 0.54, 14.4, 412.0. */
    static String text(double x) {
        return new BigDecimal(ratio(x)).round(new MathContext(4)).stripTrailingZeros().toPlainString();
    }
}
