package io.tripwire.cli.history;

import io.tripwire.engine.approvals.RefusedOverrides;
import io.tripwire.engine.rules.Rules;
import io.tripwire.engine.rules.TripwireRule;
import io.tripwire.engine.tripwires.UnapprovedEnactTripwire;
import io.tripwire.schemas.ActionType;
import io.tripwire.schemas.HumanOverride;
import io.tripwire.schemas.TripwireAction;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the engine still held open at an instant, read from its action records and the overrides
 * before it, and where a replay has to begin to open each again: a hold with no end of its own (a
 * residency hold awaiting a human, a pilot throttled by {@code unapproved-enact}) from the event that
 * opened it; a key still firing (not RESOLVED) from its firing less the rule's {@link TripwireRule#reach}
 * (so it fires again, before the window, and is not fired anew inside it); a canary key firing in
 * its stage from the stage's start less the baseline's window; an approval to enact still in force
 * from its time less the reach of the tripwire that approves (the engine judged it on that simulation).
 */
public final class OpenHolds {

    /**
     * One thing open at the instant.
     *
     * @param what     in words, e.g. "residency-violation REQUIRE_HITL of TENANT_005 (scope TENANT_005)"
     * @param since    when it opened (the firing, or the approval)
     * @param readFrom where a replay must begin to open it again
     */
    public record Hold(String tenant, String what, Instant since, Instant readFrom) {
    }

    private OpenHolds() {
    }

    /**
     * The holds open at {@code at}: every action record and override before it counts (later ones are
     * ignored), in firing order. Sorted by where they must be read from.
     */
    public static List<Hold> at(Instant at, List<TripwireAction> actions, List<HumanOverride> overrides, Rules rules) {
        List<TripwireAction> before = actions.stream().filter(a -> a.getFiredAt().isBefore(at))
                .sorted(Comparator.comparing(TripwireAction::getFiredAt)).toList();
        Map<String, Hold> open = new LinkedHashMap<>(); // tripwire/tenant/scope -> its opening, until RESOLVED
        for (TripwireAction a : before) {
            String key = a.getTripwire() + "/" + a.getTenant() + "/" + a.getScope();
            TripwireRule rule = rules.rule(a.getTripwire());
            if (a.getAction() == ActionType.RESOLVED) {
                open.remove(key);
            } else if (opens(rule, a.getAction().name()) && !open.containsKey(key)) {
                open.put(key, new Hold(a.getTenant(), a.getTripwire() + " " + a.getAction() + " of " + a.getTenant() + " (scope "
                        + a.getScope() + ")", a.getFiredAt(), readFrom(rule, a)));
            }
        }
        List<Hold> out = new ArrayList<>(open.values());
        out.addAll(approvalsInForce(at, before, overrides, rules));
        out.sort(Comparator.comparing(Hold::readFrom));
        return out;
    }

    /** Whether this action of the rule starts a state that only a RESOLVED ends (each kind says which: {@link TripwireRule#opensHold}). */
    private static boolean opens(TripwireRule rule, String action) {
        return rule != null && rule.opensHold(action); // no rule: the engine's own audit records (hitl-approval)
    }

    private static Instant readFrom(TripwireRule rule, TripwireAction opened) {
        return rule.reopenFrom(opened);
    }

    /**
     * Per tenant, the last approval to enact before {@code at} that the engine did not refuse (no
     * {@code hitl-approval} AUDIT_EVENT names its token at its time) and that no BLOCK_ENACT or
     * THROTTLE_AUTONOMY ended since (SPEC 3, issue 24).
     */
    private static List<Hold> approvalsInForce(Instant at, List<TripwireAction> before, List<HumanOverride> overrides, Rules rules) {
        UnapprovedEnactTripwire.Rule gate = rules.tripwires().stream().filter(t -> t instanceof UnapprovedEnactTripwire.Rule)
                .map(t -> (UnapprovedEnactTripwire.Rule) t).findFirst().orElse(null);
        if (gate == null) {
            return List.of();
        }
        RefusedOverrides refused = RefusedOverrides.of(before);
        Map<String, HumanOverride> last = new LinkedHashMap<>();
        overrides.stream().filter(o -> o.getTs().isBefore(at) && o.getTripwire().equals(gate.approvedBy())
                        && !refused.refused(o))
                .sorted(Comparator.comparing(HumanOverride::getTs)).forEach(o -> last.put(o.getTenant(), o));
        TripwireRule approver = rules.rule(gate.approvedBy());
        Duration reach = approver == null ? Duration.ZERO : approver.reach();
        List<Hold> out = new ArrayList<>();
        last.forEach((tenant, o) -> {
            boolean ended = before.stream().anyMatch(a -> a.getTenant().equals(tenant) && !a.getFiredAt().isBefore(o.getTs())
                    && (a.getAction() == ActionType.BLOCK_ENACT || a.getAction() == ActionType.THROTTLE_AUTONOMY));
            if (!ended) {
                out.add(new Hold(tenant, "approval to enact " + o.getApprovalTokenId() + " of " + tenant + " by " + o.getBy(), o.getTs(),
                        o.getTs().minus(reach)));
            }
        });
        return out;
    }
}
