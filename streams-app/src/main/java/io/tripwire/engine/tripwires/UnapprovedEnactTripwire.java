package io.tripwire.engine.tripwires;

import io.tripwire.engine.actions.TenantState;
import io.tripwire.engine.rules.RuleDefaults;
import io.tripwire.engine.rules.RuleNode;
import io.tripwire.schemas.AutonomyDecision;
import io.tripwire.schemas.AutonomyMode;
import io.tripwire.schemas.AutonomyOutcome;
import io.tripwire.schemas.HumanOverride;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code unapproved-enact} (issue 24): the autonomy pilot acted on its own (an ENACT decision with
 * outcome AUTONOMOUS) while no approval to enact is in force for the tenant: never approved, or the
 * approval ended when BLOCK_ENACT or THROTTLE_AUTONOMY fired. Fires its actions once per hold
 * (THROTTLE_AUTONOMY to 0, ENTER_SIMULATE, AUDIT_EVENT); the hold is released, with RESOLVED, by the
 * next honoured approval to enact (a signed override of the {@code approved-by} tripwire,
 * simulation-delta, which is honoured only after a passing simulation). HITL_OVERRIDE decisions (a
 * human did the op) and COMPENSATED ones (an undo) are not the pilot enacting. {@code enabled: false}
 * turns the requirement off for users who gate enactment elsewhere.
 */
public final class UnapprovedEnactTripwire extends RuleTripwire<UnapprovedEnactTripwire.Rule, AutonomyDecision> {

    /** The rule: the tripwire whose honoured override is the approval to enact, and the actions. */
    public record Rule(String id, String approvedBy, List<String> actions, Map<String, Map<String, String>> params) implements KindRule {
        /** The ENACT that opened the hold: replayed with no approval in force, it opens it again. */
        @Override
        public java.time.Instant reopenFrom(io.tripwire.schemas.TripwireAction opened) {
            return opened.getFiredAt();
        }


        static Rule parse(RuleNode n, RuleDefaults d) {
            n.onlyKeys(KindRule.keys("approved-by"));
            List<String> actions = KindRule.actions(n);
            return new Rule(n.name(), n.text("approved-by", "simulation-delta"), actions, KindRule.params(n, actions));
        }

        @Override
        public Tripwire<?> tripwire() {
            return new UnapprovedEnactTripwire(this);
        }
    }

    /** The scope of its keys: the mode it watches. */
    public static final String SCOPE = "ENACT";

    public UnapprovedEnactTripwire(Rule rule) {
        super(rule, AutonomyDecision.class);
    }

    @Override
    public void evaluate(AutonomyDecision d, Decisions decisions) {
        if (d.getMode() != AutonomyMode.ENACT || d.getOutcome() != AutonomyOutcome.AUTONOMOUS) {
            return;
        }
        String tenant = d.getTenant();
        TenantState state = decisions.tenant(tenant);
        if (state.enactApproved() || decisions.isFiring(rule, tenant, SCOPE)) {
            return;
        }
        long at = d.getTs().toEpochMilli();
        TenantState.EnactApproval last = state.enact();
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("opId", d.getOpId());
        evidence.put("mode", d.getMode().name());
        evidence.put("outcome", d.getOutcome().name());
        evidence.put("approvedBy", rule.approvedBy);
        evidence.put("lastApprovalToken", last == null ? null : last.token());
        evidence.put("lastApprovalEnded", last == null ? null : Instant.ofEpochMilli(last.endedAt()).toString());
        evidence.put("lastApprovalEndedBy", last == null ? null : last.endedBy());
        String reason = "the autonomy pilot enacted op " + d.getOpId() + " with no approval to enact in force ("
                + (last == null ? "none was ever given" : "the last, token " + last.token() + ", ended at "
                + Instant.ofEpochMilli(last.endedAt()) + " by " + last.endedBy())
                + "); an approval is a signed override of " + rule.approvedBy + " after a passing simulation";
        decisions.fireOnEvent(rule, tenant, SCOPE, at, d.getOpId(), rule.actions(), new Finding(reason, evidence));
        decisions.markFiring(rule, tenant, SCOPE, at);
    }

    /** The next honoured approval to enact releases the hold. */
    @Override
    public void onOverride(HumanOverride o, Decisions decisions) {
        String tenant = o.getTenant();
        if (!o.getTripwire().equals(rule.approvedBy) || !decisions.isFiring(rule, tenant, SCOPE)) {
            return;
        }
        decisions.release(rule, tenant, SCOPE, o, "approval to enact given");
    }
}
