package io.tripwire.engine.tripwires;

import io.tripwire.engine.signals.BinarySerde;

/**
 * Firing state of one tripwire key (tripwire × tenant × scope), kept in the {@code tripwire-state}
 * store so it survives restarts.
 *
 * @param since      event time of the first evaluation of the current run that met the fire condition
 *                   (for a ratio tripwire: past its threshold and significant), or -1; held-for counts from it
 * @param firing     whether it fired and has not resolved since
 * @param firedAt    event time it fired at (valid while firing)
 * @param pastSince  before firing: event time since which the estimate has been past the threshold at every
 *                   evaluation (where a plain threshold would have fired), or -1
 * @param clearSince while firing: event time since which the resolve condition has held at every evaluation
 *                   ({@code keep-firing-for} counts from it), or -1
 */
public record HoldState(long since, boolean firing, long firedAt, long pastSince, long clearSince) {

    public static final HoldState CLEAR = new HoldState(-1, false, -1, -1, -1);

    public HoldState(long since, boolean firing, long firedAt) {
        this(since, firing, firedAt, -1, -1);
    }

    public static final BinarySerde<HoldState> SERDE = BinarySerde.of(
            (out, s) -> {
                out.writeLong(s.since);
                out.writeBoolean(s.firing);
                out.writeLong(s.firedAt);
                out.writeLong(s.pastSince);
                out.writeLong(s.clearSince);
            },
            in -> {
                long since = in.readLong();
                boolean firing = in.readBoolean();
                long firedAt = in.readLong();
                // a changelog written before significance and keep-firing-for holds only the first three
                boolean more = in.available() > 0;
                return new HoldState(since, firing, firedAt, more ? in.readLong() : -1, more ? in.readLong() : -1);
            });
}
