package io.tripwire.engine.tripwires;

import io.tripwire.engine.signals.Minutes;
import io.tripwire.engine.signals.Tally;
import io.tripwire.engine.signals.WindowSums;

import java.time.Duration;

/**
 * ENACT-mode autonomy decisions of a tenant over the kept rolling windows, at stream time
 * {@code at}; evaluated on every ENACT event. Tally layout: [decided, autonomous, compensated],
 * where decided = AUTONOMOUS + HITL_OVERRIDE.
 */
public record AutonomyWindow(String tenant, long at, WindowSums sums) {

    public static final int DECIDED = 0;
    public static final int AUTONOMOUS = 1;
    public static final int COMPENSATED = 2;
    public static final String SCOPE = "ENACT";

    public Tally window(Duration d) {
        return sums.window(Minutes.count(d));
    }

    /** COMPENSATED / decided over the window (0 when none decided). */
    public double compensationRate(Duration d) {
        return window(d).ratio(COMPENSATED, DECIDED);
    }

    /** AUTONOMOUS / decided over the window (0 when none decided). */
    public double autonomyRate(Duration d) {
        return window(d).ratio(AUTONOMOUS, DECIDED);
    }
}
