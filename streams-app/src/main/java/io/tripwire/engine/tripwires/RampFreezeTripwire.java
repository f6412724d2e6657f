package io.tripwire.engine.tripwires;

import io.tripwire.engine.actions.TenantState;
import io.tripwire.engine.rules.RuleDefaults;
import io.tripwire.engine.rules.RuleNode;
import io.tripwire.schemas.HumanOverride;
import io.tripwire.schemas.RolloutStep;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ramp-freeze}: a rollout step that raises stepPercent while the tenant's ramp is frozen
 * (by a FREEZE_RAMP, until firedAt + 24h) fires ROLLBACK_LAST_STEP back to that step's
 * previousPercent. An override for the {@code lifted-by} tripwire (error-budget) lifts the freeze.
 * The processor records every step as the tenant's last step before this tripwire sees it.
 */
public final class RampFreezeTripwire extends RuleTripwire<RampFreezeTripwire.Rule, RolloutStep> {

    /** The rule: which tripwire's override lifts the freeze, and the actions. */
    public record Rule(String id, String liftedBy, List<String> actions, Map<String, Map<String, String>> params) implements KindRule {
        /** A rollback of a raised step is once per step: it opens nothing. */
        @Override
        public boolean opensHold(String action) {
            return false;
        }


        static Rule parse(RuleNode n, RuleDefaults d) {
            n.onlyKeys(KindRule.keys("lifted-by"));
            List<String> actions = KindRule.actions(n);
            return new Rule(n.name(), n.text("lifted-by", "error-budget"), actions, KindRule.params(n, actions));
        }

        @Override
        public Tripwire<?> tripwire() {
            return new RampFreezeTripwire(this);
        }
    }

    public RampFreezeTripwire(Rule rule) {
        super(rule, RolloutStep.class);
    }

    @Override
    public void evaluate(RolloutStep step, Decisions decisions) {
        String tenant = step.getTenant();
        long at = step.getTs().toEpochMilli();
        TenantState now = decisions.tenant(tenant); // the processor has recorded this step already
        int previous = now.previousPercent();
        boolean raises = previous < 0 || step.getStepPercent() > previous;
        if (!raises || !now.frozenAt(at)) {
            return;
        }
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("stepPercent", (long) step.getStepPercent());
        evidence.put("previousPercent", previous < 0 ? null : (long) previous);
        evidence.put("wave", step.getWave());
        evidence.put("frozenUntil", Instant.ofEpochMilli(now.frozenUntil()).toString());
        String trigger = step.getWave() + "/" + step.getRegion() + "/" + previous + "->" + step.getStepPercent();
        decisions.fireOnEvent(rule, tenant, tenant, at, trigger, rule.actions(), new Finding(
                "ramp raised to " + step.getStepPercent() + "% while frozen until " + Instant.ofEpochMilli(now.frozenUntil()),
                evidence));
    }

    @Override
    public void onOverride(HumanOverride o, Decisions decisions) {
        if (o.getTripwire().equals(rule.liftedBy) && decisions.tenant(o.getTenant()).frozenAt(o.getTs().toEpochMilli())) {
            decisions.liftFreeze(o.getTenant(), o);
        }
    }
}
