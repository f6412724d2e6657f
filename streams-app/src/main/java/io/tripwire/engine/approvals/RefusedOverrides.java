package io.tripwire.engine.approvals;

import io.tripwire.schemas.ActionType;
import io.tripwire.schemas.HumanOverride;
import io.tripwire.schemas.TripwireAction;

import java.util.HashSet;
import java.util.Set;

/**
 * The overrides the engine refused, read from its records (SPEC 3, "Human approvals"): a refused override emits an
 * AUDIT_EVENT of tripwire {@value #TRIPWIRE} for its tenant, at the override's time, whose evidence names its approval
 * token. What a review of the records (the gate, the pilot review, the carry-in) needs to tell a refused override from
 * an honoured one without checking its signature again.
 */
public final class RefusedOverrides {

    /** The tripwire id of the AUDIT_EVENT a refused override emits. */
    public static final String TRIPWIRE = "hitl-approval";

    private final Set<String> refused = new HashSet<>();

    private RefusedOverrides() {
    }

    /** Whether {@code a} is the record of a refused override. */
    public static boolean isRefusal(TripwireAction a) {
        return a.getTripwire().equals(TRIPWIRE) && a.getAction() == ActionType.AUDIT_EVENT && a.getEvidence() != null;
    }

    /** The refusals among {@code actions}. */
    public static RefusedOverrides of(Iterable<TripwireAction> actions) {
        RefusedOverrides r = new RefusedOverrides();
        for (TripwireAction a : actions) {
            if (isRefusal(a)) {
                r.refused.add(key(a.getTenant(), String.valueOf(a.getEvidence().get("approvalTokenId")), a.getFiredAt()));
            }
        }
        return r;
    }

    /** Whether the engine refused {@code o}. */
    public boolean refused(HumanOverride o) {
        return refused.contains(key(o.getTenant(), o.getApprovalTokenId(), o.getTs()));
    }

    private static String key(String tenant, String token, java.time.Instant at) {
        return tenant + "/" + token + "@" + at;
    }
}
