package io.tripwire.engine.actions;

import io.tripwire.engine.signals.BinarySerde;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * What the engine knows of a tenant's rollout, in the {@code tenant-state} store: its last ramp
 * step (for ROLLBACK_LAST_STEP's {@code to}), until when its ramp is frozen, and the autonomy
 * pilot's approval to enact.
 *
 * @param stepPercent     stepPercent of the last rollout step, or -1 when none is known
 * @param previousPercent previousPercent of the last rollout step, or -1 when none is known
 * @param frozenUntil     event time the ramp freeze ends, or -1 when not frozen
 * @param enact           the last approval to enact (in force, or ended), or null when none was ever honoured
 * @param region          the region the last rollout step named (ROLLBACK_LAST_STEP's {@code region}), or null
 */
public record TenantState(int stepPercent, int previousPercent, long frozenUntil, EnactApproval enact, String region) {

    /**
     * An honoured approval to enact (a signed override of the SIMULATE rule, issue 24).
     *
     * @param endedAt event time a BLOCK_ENACT or THROTTLE_AUTONOMY ended it, or -1 while in force
     * @param endedBy "tripwire ACTION" that ended it, or null
     */
    public record EnactApproval(String approver, String keyId, String token, long since, long endedAt, String endedBy) {

        public boolean inForce() {
            return endedAt < 0;
        }

        EnactApproval ended(long at, String by) {
            return new EnactApproval(approver, keyId, token, since, at, by);
        }
    }

    public static final TenantState UNKNOWN = new TenantState(-1, -1, -1, null, null);

    /**
     * The layout of the first releases (three numbers), then, when there is more to say, a byte (1: an
     * approval to enact follows), the approval, and the last step's region when it named one: a state
     * written by an earlier release still reads.
     */
    public static final BinarySerde<TenantState> SERDE = BinarySerde.of(
            (out, s) -> {
                out.writeInt(s.stepPercent);
                out.writeInt(s.previousPercent);
                out.writeLong(s.frozenUntil);
                if (s.enact != null || s.region != null) {
                    out.writeByte(s.enact != null ? 1 : 0);
                    if (s.enact != null) {
                        writeApproval(out, s.enact);
                    }
                    if (s.region != null) {
                        out.writeUTF(s.region);
                    }
                }
            },
            in -> {
                int step = in.readInt();
                int previous = in.readInt();
                long frozen = in.readLong();
                EnactApproval enact = in.available() > 0 && in.readByte() == 1 ? readApproval(in) : null;
                String region = in.available() > 0 ? in.readUTF() : null;
                return new TenantState(step, previous, frozen, enact, region);
            });

    private static void writeApproval(DataOutputStream out, EnactApproval a) throws IOException {
        out.writeUTF(a.approver() == null ? "" : a.approver());
        out.writeUTF(a.keyId() == null ? "" : a.keyId());
        out.writeUTF(a.token());
        out.writeLong(a.since());
        out.writeLong(a.endedAt());
        out.writeUTF(a.endedBy() == null ? "" : a.endedBy());
    }

    private static EnactApproval readApproval(DataInputStream in) throws IOException {
        String approver = in.readUTF();
        String keyId = in.readUTF();
        String token = in.readUTF();
        long since = in.readLong();
        long endedAt = in.readLong();
        String endedBy = in.readUTF();
        return new EnactApproval(approver.isEmpty() ? null : approver, keyId.isEmpty() ? null : keyId, token, since, endedAt,
                endedBy.isEmpty() ? null : endedBy);
    }

    public boolean frozenAt(long at) {
        return frozenUntil >= 0 && at < frozenUntil;
    }

    /** Whether an approval to enact is in force. */
    public boolean enactApproved() {
        return enact != null && enact.inForce();
    }

    /** The tenant's latest rollout step; {@code region} null when it named none. */
    public TenantState withStep(int step, int previous, String stepRegion) {
        return new TenantState(step, previous, frozenUntil, enact, stepRegion);
    }

    public TenantState frozenUntil(long until) {
        return new TenantState(stepPercent, previousPercent, until, enact, region);
    }

    public TenantState withEnact(EnactApproval a) {
        return new TenantState(stepPercent, previousPercent, frozenUntil, a, region);
    }

    /** The approval in force ended at {@code at} by {@code by}; unchanged when none is in force. */
    public TenantState enactEnded(long at, String by) {
        return enactApproved() ? withEnact(enact.ended(at, by)) : this;
    }
}
