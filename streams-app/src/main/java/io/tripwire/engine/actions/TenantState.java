package io.tripwire.engine.actions;

import io.tripwire.engine.signals.BinarySerde;

/**
 * What the engine knows of a tenant's rollout, in the {@code tenant-state} store: its last ramp
 * step (for ROLLBACK_LAST_STEP's {@code to}) and until when its ramp is frozen.
 *
 * @param stepPercent     stepPercent of the last rollout step, or -1 when none is known
 * @param previousPercent previousPercent of the last rollout step, or -1 when none is known
 * @param frozenUntil     event time the ramp freeze ends, or -1 when not frozen
 */
public record TenantState(int stepPercent, int previousPercent, long frozenUntil) {

    public static final TenantState UNKNOWN = new TenantState(-1, -1, -1);

    public static final BinarySerde<TenantState> SERDE = BinarySerde.of(
            (out, s) -> {
                out.writeInt(s.stepPercent);
                out.writeInt(s.previousPercent);
                out.writeLong(s.frozenUntil);
            },
            in -> new TenantState(in.readInt(), in.readInt(), in.readLong()));

    public boolean frozenAt(long at) {
        return frozenUntil >= 0 && at < frozenUntil;
    }

    public TenantState withStep(int step, int previous) {
        return new TenantState(step, previous, frozenUntil);
    }

    public TenantState frozenUntil(long until) {
        return new TenantState(stepPercent, previousPercent, until);
    }
}
