package io.tripwire.engine.tripwires;

import io.tripwire.engine.signals.Minutes;
import io.tripwire.engine.signals.Tally;
import io.tripwire.engine.signals.WindowSums;
import io.tripwire.schemas.AutonomyMode;

import java.time.Duration;

/**
 * One mode's autonomy decisions of a tenant over the kept rolling windows, at stream time
 * {@code at}; evaluated on every decision of that mode. Tally layout: [decided, autonomous,
 * compensated], where decided = AUTONOMOUS + HITL_OVERRIDE. In SIMULATE mode the compensated share
 * is the simulation delta (SPEC 2: the pilot's proposal differed from what production did).
 */
public record AutonomyWindow(String tenant, AutonomyMode mode, long at, WindowSums sums) {

    public static final int DECIDED = 0;
    public static final int AUTONOMOUS = 1;
    public static final int COMPENSATED = 2;
    /** The scope of ENACT-mode keys and signals. */
    public static final String SCOPE = "ENACT";

    /** The scope of this window's keys and signals: the mode's name. */
    public String scope() {
        return mode.name();
    }

    public Tally window(Duration d) {
        return sums.window(Minutes.count(d));
    }

    /** COMPENSATED / decided over the window (0 when none decided); in SIMULATE mode, the simulation delta. */
    public double compensationRate(Duration d) {
        return window(d).ratio(COMPENSATED, DECIDED);
    }

    /** AUTONOMOUS / decided over the window (0 when none decided). */
    public double autonomyRate(Duration d) {
        return window(d).ratio(AUTONOMOUS, DECIDED);
    }
}
