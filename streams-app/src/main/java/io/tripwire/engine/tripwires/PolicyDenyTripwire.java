package io.tripwire.engine.tripwires;

import io.tripwire.engine.rules.RuleDefaults;
import io.tripwire.engine.rules.RuleNode;
import io.tripwire.schemas.HumanOverride;
import io.tripwire.schemas.PolicyDecision;
import io.tripwire.schemas.PolicyVerdict;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code residency-violation} / {@code purpose-missing}: every policy DENY of the rule's policy
 * family emits its actions (ABORT_OP with the opId, AUDIT_EVENT with the decision's fields). The
 * {@code once-per-hold} actions (REQUIRE_HITL) go out on the first DENY only; the tenant is then
 * held until an override for this tripwire arrives, which emits RESOLVED with its approval token.
 */
public final class PolicyDenyTripwire extends RuleTripwire<PolicyDenyTripwire.Rule, PolicyDecision> {

    /** The rule: policy family, per-DENY actions, once-per-hold actions. */
    public record Rule(String id, String policy, List<String> everyDeny, List<String> oncePerHold,
                       Map<String, Map<String, String>> params) implements KindRule {
        /** ABORT_OP and AUDIT_EVENT come with every DENY, held or not: only the once-per-hold actions open the hold. */
        @Override
        public boolean opensHold(String action) {
            return oncePerHold.contains(action);
        }

        /** The DENY that opened the hold: replayed with no hold open, it opens it again. */
        @Override
        public java.time.Instant reopenFrom(io.tripwire.schemas.TripwireAction opened) {
            return opened.getFiredAt();
        }


        static Rule parse(RuleNode n, RuleDefaults d) {
            n.onlyKeys(KindRule.keys("policy", "once-per-hold"));
            List<String> every = KindRule.actions(n);
            List<String> once = n.has("once-per-hold") ? n.choices("once-per-hold", ACTIONS) : List.of();
            List<String> all = new ArrayList<>(every);
            all.addAll(once);
            return new Rule(n.name(), n.text("policy"), every, once, KindRule.params(n, all));
        }

        @Override
        public List<String> actions() {
            List<String> all = new ArrayList<>(everyDeny);
            all.addAll(oncePerHold);
            return all;
        }

        @Override
        public Tripwire<?> tripwire() {
            return new PolicyDenyTripwire(this);
        }
    }

    public PolicyDenyTripwire(Rule rule) {
        super(rule, PolicyDecision.class);
    }

    @Override
    public void evaluate(PolicyDecision p, Decisions decisions) {
        if (p.getDecision() != PolicyVerdict.DENY || !p.getPolicy().equals(rule.policy)) {
            return;
        }
        String tenant = p.getTenant();
        long at = p.getTs().toEpochMilli();
        boolean held = !rule.oncePerHold.isEmpty() && decisions.isFiring(rule, tenant, tenant);
        List<String> actions = new ArrayList<>(rule.everyDeny);
        if (!held) {
            actions.addAll(rule.oncePerHold);
        }
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("opId", p.getOpId());
        evidence.put("decision", p.getDecision().name());
        evidence.put("policy", p.getPolicy());
        evidence.put("residencyZone", p.getResidencyZone());
        evidence.put("dataZone", p.getDataZone());
        evidence.put("purpose", p.getPurpose());
        evidence.put("held", held);
        String reason = "policy " + p.getPolicy() + " denied op " + p.getOpId()
                + (p.getResidencyZone() != null ? " (residency " + p.getResidencyZone() + ", data zone " + p.getDataZone() + ")" : "")
                + (p.getPurpose() != null ? " purpose " + p.getPurpose() : "")
                + (held ? "; tenant already held for human review" : "");
        decisions.fireOnEvent(rule, tenant, tenant, at, p.getOpId(), actions,
                new Finding(reason, evidence, Map.of("ABORT_OP", Map.of("opId", p.getOpId()))));
        if (!held && !rule.oncePerHold.isEmpty()) {
            decisions.markFiring(rule, tenant, tenant, at);
        }
    }

    @Override
    public void onOverride(HumanOverride o, Decisions decisions) {
        String tenant = o.getTenant();
        if (!o.getTripwire().equals(rule.id()) || !decisions.isFiring(rule, tenant, tenant)) {
            return;
        }
        decisions.release(rule, tenant, tenant, o, "hold released");
    }
}
