package io.tripwire.engine.tripwires;

import io.tripwire.engine.actions.ActionEmitter;
import io.tripwire.engine.actions.TenantState;
import io.tripwire.schemas.HumanOverride;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.tripwire.engine.rules.TripwireRule;
import io.tripwire.engine.signals.Signal;
import io.tripwire.engine.signals.StoreKeys;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Firing and resolving, the same for every tripwire (SPEC section 3). A key fires once when it
 * enters breach (after being in breach for {@code held-for}, as Prometheus' {@code for:}; for a ratio
 * tripwire, past its threshold and significant), cannot fire again until it has resolved, and emits
 * one RESOLVED record when its resolve condition has held for {@code keep-firing-for} (Prometheus'
 * {@code keep_firing_for}; default 0: at the first evaluation where it holds).
 */
public final class Decisions {

    private static final Logger LOG = LoggerFactory.getLogger("io.tripwire.decisions");

    private final KeyValueStore<String, HoldState> states;
    private final KeyValueStore<String, TenantState> tenants;
    private final KeyValueStore<String, CanaryState> canaries;
    private final ActionEmitter emitter;
    private final Consumer<Signal> signals;

    /**
     * @param canaries the canary keys' evidence (SPEC 3, "Canary judgement")
     * @param signals  where a tripwire's own signals go (e.g. {@code canary_e_worse})
     */
    public Decisions(KeyValueStore<String, HoldState> states, KeyValueStore<String, TenantState> tenants,
                     KeyValueStore<String, CanaryState> canaries, ActionEmitter emitter, Consumer<Signal> signals) {
        this.states = states;
        this.tenants = tenants;
        this.canaries = canaries;
        this.emitter = emitter;
        this.signals = signals;
    }

    /** A canary key's evidence in the current stage, or null when it has none. */
    public CanaryState canary(TripwireRule rule, String tenant, String scope) {
        return canaries.get(StoreKeys.of(rule.id(), tenant, scope));
    }

    /** Keeps a canary key's evidence; null forgets it (its stage ended). */
    public void canary(TripwireRule rule, String tenant, String scope, CanaryState s) {
        String key = StoreKeys.of(rule.id(), tenant, scope);
        if (s == null) {
            canaries.delete(key);
        } else {
            canaries.put(key, s);
        }
    }

    private io.tripwire.engine.rules.Approver approvedBy;

    /** The trusted approver of the override being dispatched (SPEC 3, "Human approvals"), or null. */
    public void approvedBy(io.tripwire.engine.rules.Approver a) {
        approvedBy = a;
    }

    /** Who approved the override being dispatched: its approver id and key id, for evidence and logs. */
    public io.tripwire.engine.rules.Approver approvedBy() {
        return approvedBy;
    }

    /** Emits a signal value a tripwire computed (it goes where the signal keepers' values go). */
    public void signal(Signal s) {
        signals.accept(s);
    }

    /** Emits one RESOLVED record for a key whose state the caller keeps itself (a canary key at its stage's end). */
    public void resolveOnEvent(TripwireRule rule, String tenant, String scope, long at, String trigger, Finding finding) {
        emitter.resolve(rule, tenant, scope, at, trigger, false, finding);
    }

    /** What the engine knows of the tenant's ramp. */
    public TenantState tenant(String tenant) {
        TenantState s = tenants.get(tenant);
        return s == null ? TenantState.UNKNOWN : s;
    }

    /** Records the tenant's latest rollout step (ROLLBACK_LAST_STEP goes back to its previousPercent). */
    public void recordStep(String tenant, int stepPercent, int previousPercent, String region) {
        tenants.put(tenant, tenant(tenant).withStep(stepPercent, previousPercent, region));
    }

    /** Puts an honoured approval to enact in force for its tenant (until BLOCK_ENACT or THROTTLE_AUTONOMY fires). */
    public void approveEnact(HumanOverride o) {
        String tenant = o.getTenant();
        tenants.put(tenant, tenant(tenant).withEnact(new TenantState.EnactApproval(approvedBy == null ? null : approvedBy.id(), o.getKeyId(),
                o.getApprovalTokenId(), o.getTs().toEpochMilli(), -1, null)));
        LOG.info("HITL_OVERRIDE tenant={} tripwire={} approval to enact in force by={} approver={} keyId={} approvalTokenId={} at={}",
                tenant, o.getTripwire(), o.getBy(), approvedBy == null ? null : approvedBy.id(), o.getKeyId(), o.getApprovalTokenId(), o.getTs());
    }

    /** Lifts the tenant's ramp freeze (an override of the tripwire that froze it). */
    public void liftFreeze(String tenant, HumanOverride by) {
        tenants.put(tenant, tenant(tenant).frozenUntil(-1));
        LOG.info("HITL_OVERRIDE tenant={} tripwire={} ramp freeze lifted by={} approver={} keyId={} approvalTokenId={} at={}",
                tenant, by.getTripwire(), by.getBy(), approvedBy == null ? null : approvedBy.id(), by.getKeyId(), by.getApprovalTokenId(), by.getTs());
    }

    /** Hold state of a key, for tripwires and stale checks that need to look. */
    public HoldState state(String tripwire, String tenant, String scope) {
        HoldState s = states.get(StoreKeys.of(tripwire, tenant, scope));
        return s == null ? HoldState.CLEAR : s;
    }

    /** One evaluation of a windowed condition with no significance guard (latency, metric thresholds). */
    public void evaluate(TripwireRule rule, String tenant, String scope, long at, boolean breach, Supplier<Finding> finding) {
        evaluate(rule, tenant, scope, at, breach, () -> true, s -> finding.get());
    }

    /**
     * One evaluation of a windowed condition at event time {@code at} (SPEC section 3, "Firing and
     * resolving", "Held for", "Significance").
     *
     * <ul>
     *   <li>Not firing: a run of evaluations that are {@code past} the threshold and {@code significant}
     *       fires once it has lasted {@code heldFor}; an evaluation that is not both ends the run.</li>
     *   <li>Firing: an evaluation that is not {@code past} starts (or continues) the resolve run, which
     *       resolves once it has lasted {@code keepFiringFor}; one that is past ends that run. Whether
     *       it is significant does not matter here: that gap is the hysteresis.</li>
     * </ul>
     *
     * {@code significant} is asked only when the key is not firing and the estimate is past, so the
     * test costs nothing on the rest of the hot path. {@code finding} gets the key's state as it is
     * after this evaluation (its {@code pastSince} and {@code since} say when the breach began).
     */
    public void evaluate(TripwireRule rule, String tenant, String scope, long at, boolean past,
                         BooleanSupplier significant, Function<HoldState, Finding> finding) {
        String key = StoreKeys.of(rule.id(), tenant, scope);
        HoldState s = states.get(key);
        if (s == null) {
            s = HoldState.CLEAR;
        }
        HoldState next;
        if (s.firing()) {
            if (!past) {
                long clearSince = s.clearSince() < 0 ? at : s.clearSince();
                if (at - clearSince >= rule.keepFiringFor().toMillis()) {
                    emitter.resolve(rule, tenant, scope, at, null, false,
                            finding.apply(new HoldState(s.since(), true, s.firedAt(), s.pastSince(), clearSince)));
                    next = HoldState.CLEAR;
                } else {
                    next = new HoldState(s.since(), true, s.firedAt(), s.pastSince(), clearSince);
                }
            } else {
                next = s.clearSince() < 0 ? s : new HoldState(s.since(), true, s.firedAt(), s.pastSince(), -1);
            }
        } else if (!past) {
            next = HoldState.CLEAR;
        } else {
            long pastSince = s.pastSince() < 0 ? at : s.pastSince();
            if (significant.getAsBoolean()) {
                long since = s.since() < 0 ? at : s.since();
                if (at - since >= rule.heldFor().toMillis()) {
                    next = new HoldState(since, true, at, pastSince, -1);
                    emitter.fire(rule, tenant, scope, at, null, rule.actions(), finding.apply(next));
                } else {
                    next = new HoldState(since, false, -1, pastSince, -1);
                }
            } else {
                next = new HoldState(-1, false, -1, pastSince, -1); // an evaluation that fails the test ends a held-for run
            }
        }
        if (!next.equals(s)) {
            states.put(key, next);
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

    /**
     * Releases a firing key by the honoured override {@code o}: RESOLVED at its time, triggered by its approval token, with
     * who approved it as evidence (token, by, the approver the rules give its key, key id) and the reason
     * "{@code what} by {@code <by>} with approval token {@code <token>} (approver ..., key ...)".
     */
    public void release(TripwireRule rule, String tenant, String scope, HumanOverride o, String what) {
        java.util.Map<String, Object> evidence = new java.util.LinkedHashMap<>();
        evidence.put("approvalTokenId", o.getApprovalTokenId());
        evidence.put("by", o.getBy());
        io.tripwire.engine.rules.Approver approver = approvedBy();
        evidence.put("approver", approver == null ? null : approver.id());
        evidence.put("keyId", o.getKeyId());
        release(rule, tenant, scope, o.getTs().toEpochMilli(), o.getApprovalTokenId(),
                new Finding(what + " by " + o.getBy() + " with approval token " + o.getApprovalTokenId()
                        + (approver == null ? "" : " (approver " + approver.id() + ", key " + o.getKeyId() + ")"), evidence));
    }

    /** Releases a firing key by a human override ({@code trigger}: its approval token), emitting RESOLVED with {@code finding}. */
    private void release(TripwireRule rule, String tenant, String scope, long at, String trigger, Finding finding) {
        emitter.resolve(rule, tenant, scope, at, trigger, true, finding);
        states.put(StoreKeys.of(rule.id(), tenant, scope), HoldState.CLEAR);
    }
}
