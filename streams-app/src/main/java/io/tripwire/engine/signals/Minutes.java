package io.tripwire.engine.signals;

import java.time.Duration;

/** Event time in 1-minute buckets: every window of the engine is a run of whole minutes. */
public final class Minutes {

    public static final long MILLIS = 60_000L;

    private Minutes() {
    }

    /** The minute bucket (epoch minutes) holding {@code epochMillis}. */
    public static long of(long epochMillis) {
        return Math.floorDiv(epochMillis, MILLIS);
    }

    /** Start of a minute bucket in epoch millis. */
    public static long start(long minute) {
        return minute * MILLIS;
    }

    /** Length of a window in minutes. */
    public static int count(Duration window) {
        return (int) (window.toMillis() / MILLIS);
    }
}
