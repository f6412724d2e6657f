package io.tripwire.engine.tripwires;

import io.tripwire.engine.actions.ActionEmitter;
import io.tripwire.engine.actions.TenantState;
import io.tripwire.schemas.HumanOverride;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.tripwire.engine.rules.TripwireRule;
import io.tripwire.engine.signals.StoreKeys;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * Firing and resolving, the same for every tripwire (SPEC section 3). A key fires once when it
 * enters breach (after being in breach for {@code heldFor}, as Prometheus' {@code for:}), cannot
 * fire again until it has resolved, and emits one RESOLVED record when its condition is false at
 * an evaluation while firing.
 */
public final class Decisions {

    private static final Logger LOG = LoggerFactory.getLogger("io.tripwire.decisions");

    private final KeyValueStore<String, HoldState> states;
    private final KeyValueStore<String, TenantState> tenants;
    private final ActionEmitter emitter;

    public Decisions(KeyValueStore<String, HoldState> states, KeyValueStore<String, TenantState> tenants, ActionEmitter emitter) {
        this.states = states;
        this.tenants = tenants;
        this.emitter = emitter;
    }

    /** What the engine knows of the tenant's ramp. */
    public TenantState tenant(String tenant) {
        TenantState s = tenants.get(tenant);
        return s == null ? TenantState.UNKNOWN : s;
    }

    /** Records the tenant's latest rollout step (ROLLBACK_LAST_STEP goes back to its previousPercent). */
    public void recordStep(String tenant, int stepPercent, int previousPercent) {
        tenants.put(tenant, tenant(tenant).withStep(stepPercent, previousPercent));
    }

    /** Lifts the tenant's ramp freeze (an override of the tripwire that froze it). */
    public void liftFreeze(String tenant, HumanOverride by) {
        tenants.put(tenant, tenant(tenant).frozenUntil(-1));
        LOG.info("HITL_OVERRIDE tenant={} tripwire={} ramp freeze lifted by={} approvalTokenId={} at={}",
                tenant, by.getTripwire(), by.getBy(), by.getApprovalTokenId(), by.getTs());
    }

    /** Hold state of a key, for tripwires and stale checks that need to look. */
    public HoldState state(String tripwire, String tenant, String scope) {
        HoldState s = states.get(StoreKeys.of(tripwire, tenant, scope));
        return s == null ? HoldState.CLEAR : s;
    }

    /** One evaluation of a windowed condition at event time {@code at}. */
    public void evaluate(TripwireRule rule, String tenant, String scope, long at, Duration heldFor,
                         boolean breach, Supplier<Finding> finding) {
        String key = StoreKeys.of(rule.id(), tenant, scope);
        HoldState s = states.get(key);
        if (s == null) {
            s = HoldState.CLEAR;
        }
        if (breach) {
            long since = s.since() < 0 ? at : s.since();
            if (!s.firing() && at - since >= heldFor.toMillis()) {
                emitter.fire(rule, tenant, scope, at, null, rule.actions(), finding.get());
                states.put(key, new HoldState(since, true, at));
            } else if (since != s.since()) {
                states.put(key, new HoldState(since, s.firing(), s.firedAt()));
            }
        } else if (s.firing()) {
            emitter.resolve(rule, tenant, scope, at, null, finding.get());
            states.put(key, HoldState.CLEAR);
        } else if (s.since() >= 0) {
            states.put(key, HoldState.CLEAR);
        }
    }

    /**
     * A tripwire fired by one event (a policy decision, a rollout step): emits {@code actions}
     * now, with {@code trigger} (the event's opId or step) in the decision id.
     */
    public void fireOnEvent(TripwireRule rule, String tenant, String scope, long at, String trigger,
                            List<String> actions, Finding finding) {
        emitter.fire(rule, tenant, scope, at, trigger, actions, finding);
    }

    /** Whether the key is firing (for holds released by an override). */
    public boolean isFiring(TripwireRule rule, String tenant, String scope) {
        HoldState s = states.get(StoreKeys.of(rule.id(), tenant, scope));
        return s != null && s.firing();
    }

    /** Marks the key firing without emitting (the caller emitted the once-per-hold actions). */
    public void markFiring(TripwireRule rule, String tenant, String scope, long at) {
        states.put(StoreKeys.of(rule.id(), tenant, scope), new HoldState(at, true, at));
    }

    /** Releases a firing key, emitting RESOLVED with {@code finding}. */
    public void release(TripwireRule rule, String tenant, String scope, long at, String trigger, Finding finding) {
        emitter.resolve(rule, tenant, scope, at, trigger, finding);
        states.put(StoreKeys.of(rule.id(), tenant, scope), HoldState.CLEAR);
    }
}
