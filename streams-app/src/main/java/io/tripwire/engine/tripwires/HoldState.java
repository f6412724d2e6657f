package io.tripwire.engine.tripwires;

import io.tripwire.engine.signals.BinarySerde;

/**
 * Firing state of one tripwire key (tripwire × tenant × scope), kept in the {@code tripwire-state}
 * store so it survives restarts.
 *
 * @param since  event time of the first breaching evaluation of the current run, or -1
 * @param firing whether it fired and has not resolved since
 * @param firedAt event time it fired at (valid while firing)
 */
public record HoldState(long since, boolean firing, long firedAt) {

    public static final HoldState CLEAR = new HoldState(-1, false, -1);

    public static final BinarySerde<HoldState> SERDE = BinarySerde.of(
            (out, s) -> {
                out.writeLong(s.since);
                out.writeBoolean(s.firing);
                out.writeLong(s.firedAt);
            },
            in -> new HoldState(in.readLong(), in.readBoolean(), in.readLong()));
}
