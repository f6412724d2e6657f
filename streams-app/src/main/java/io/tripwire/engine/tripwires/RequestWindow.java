package io.tripwire.engine.tripwires;

import io.tripwire.engine.signals.Minutes;
import io.tripwire.engine.signals.Tally;
import io.tripwire.engine.signals.WindowSums;

import java.time.Duration;

/**
 * Request counts of a tenant × service over the kept rolling windows, at stream time {@code at};
 * evaluated on every request event. Tally layout: [total, bad].
 */
public record RequestWindow(String tenant, String service, long at, double slo, WindowSums sums) {

    public static final int TOTAL = 0;
    public static final int BAD = 1;

    public Tally window(Duration d) {
        return sums.window(Minutes.count(d));
    }

    /** bad / total over the window (0 when empty). */
    public double errorRatio(Duration d) {
        return window(d).ratio(BAD, TOTAL);
    }

    /** Burn rate over the window: error ratio / (1 − SLO). */
    public double burnRate(Duration d) {
        return errorRatio(d) / (1.0 - slo);
    }

    /** Error budget remaining over the window: 1 − burn rate. */
    public double budgetRemaining(Duration d) {
        return 1.0 - burnRate(d);
    }
}
