package io.tripwire.engine.actions;

import io.tripwire.engine.rules.TripwireRule;
import io.tripwire.engine.tripwires.Finding;
import io.tripwire.schemas.TripwireAction;
import io.tripwire.signing.ActionIds;
import io.tripwire.signing.ActionSigner;
import io.tripwire.json.ActionJson;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a decision into action records (SPEC section 4): one per action, with deterministic ids,
 * the evidence and its id, signed; logs one decision line with its marker; and applies what an
 * action means for the tenant (ROLLBACK_LAST_STEP's {@code to}, FREEZE_RAMP's freeze, the end of an
 * approval to enact by BLOCK_ENACT or THROTTLE_AUTONOMY).
 */
public final class ActionEmitter {

    /** Where action records go (the topology forwards them to {@code tripwire-actions}). */
    @FunctionalInterface
    public interface Sink {
        void accept(TripwireAction action);
    }

    private static final Logger LOG = LoggerFactory.getLogger("io.tripwire.decisions");
    private static final Set<String> CORRECTIVE = Set.of("ROLLBACK_LAST_STEP", "FREEZE_RAMP", "STOP_RAMP",
            "FAILOVER_READ_REPLICAS", "QUEUE_WRITES", "ABORT_OP", "THROTTLE_AUTONOMY", "ENTER_SIMULATE", "REQUIRE_HITL", "BLOCK_ENACT");

    private final ActionSigner signer;
    private final KeyValueStore<String, TenantState> tenants;
    private final Sink sink;

    public ActionEmitter(ActionSigner signer, KeyValueStore<String, TenantState> tenants, Sink sink) {
        this.signer = signer;
        this.tenants = tenants;
        this.sink = sink;
    }

    /** Emits the firing actions of a decision, in order. */
    public void fire(TripwireRule rule, String tenant, String scope, long at, String trigger, List<String> actions, Finding f) {
        String decisionId = ActionIds.decisionId(rule.id(), tenant, scope, Instant.ofEpochMilli(at), trigger);
        Map<String, Object> evidence = evidence(f.evidence());
        String evidenceId = ActionIds.evidenceId(evidence);
        for (String action : actions) {
            Map<String, String> params = new LinkedHashMap<>(rule.params().getOrDefault(action, Map.of()));
            params.putAll(f.params().getOrDefault(action, Map.of()));
            applyToTenant(tenant, action, params, rule.id(), at);
            emit(decisionId, rule.id(), tenant, scope, action, at, params, f.reason(), evidence, evidenceId);
        }
        boolean corrective = actions.stream().anyMatch(CORRECTIVE::contains);
        LOG.info("{} tenant={} tripwire={} scope={} firedAt={} actions={} evidenceId={} reason=\"{}\"",
                corrective ? "DECISION_ROLLBACK" : "DECISION_ALERT", tenant, rule.id(), scope,
                Instant.ofEpochMilli(at), actions, evidenceId, f.reason());
    }

    /**
     * Emits one RESOLVED record. {@code trigger} names the event that released the key, if one did
     * (part of the decision id); {@code byHuman}: a human override did (its approval token), which
     * the log marks HITL_OVERRIDE.
     */
    public void resolve(TripwireRule rule, String tenant, String scope, long at, String trigger, boolean byHuman, Finding f) {
        String decisionId = ActionIds.decisionId(rule.id(), tenant, scope, Instant.ofEpochMilli(at), trigger);
        Map<String, Object> evidence = evidence(f.evidence());
        String evidenceId = ActionIds.evidenceId(evidence);
        emit(decisionId, rule.id(), tenant, scope, "RESOLVED", at, new LinkedHashMap<>(), f.reason(), evidence, evidenceId);
        LOG.info("{} tenant={} tripwire={} scope={} at={} evidenceId={} reason=\"{}\"",
                byHuman ? "HITL_OVERRIDE" : "DECISION_GO", tenant, rule.id(), scope,
                Instant.ofEpochMilli(at), evidenceId, f.reason());
    }

    private void applyToTenant(String tenant, String action, Map<String, String> params, String tripwire, long at) {
        TenantState s = tenants.get(tenant);
        if (s == null) {
            s = TenantState.UNKNOWN;
        }
        switch (action) {
            case "ROLLBACK_LAST_STEP" -> {
                // SPEC 3: to the last step's previousPercent, in the region that step named (when it named one)
                params.putIfAbsent("to", s.previousPercent() >= 0 ? Integer.toString(s.previousPercent()) : "prev");
                if (s.region() != null) {
                    params.putIfAbsent("region", s.region());
                }
            }
            case "FREEZE_RAMP" -> {
                String until = params.get("until");
                if (until != null) {
                    tenants.put(tenant, s.frozenUntil(Instant.parse(until).toEpochMilli()));
                }
            }
            case "BLOCK_ENACT", "THROTTLE_AUTONOMY" -> {
                // the autonomy pilot's approval to enact ends (issue 24): it must pass a simulation again
                if (s.enactApproved()) {
                    tenants.put(tenant, s.enactEnded(at, tripwire + " " + action));
                    LOG.info("ENACT_APPROVAL_ENDED tenant={} by={} {} at={} approvalTokenId={} approver={}", tenant, tripwire, action,
                            Instant.ofEpochMilli(at), s.enact().token(), s.enact().approver());
                }
            }
            default -> {
                // no tenant state behind the other actions
            }
        }
    }

    private void emit(String decisionId, String tripwire, String tenant, String scope, String action, long at,
                      Map<String, String> params, String reason, Map<String, Object> evidence, String evidenceId) {
        TripwireAction unsigned = TripwireAction.newBuilder()
                .setActionId(ActionIds.actionId(decisionId, action))
                .setDecisionId(decisionId)
                .setTripwire(tripwire)
                .setTenant(tenant)
                .setScope(scope)
                .setAction(ActionJson.actionType(action))
                .setFiredAt(Instant.ofEpochMilli(at))
                .setParams(params)
                .setReason(reason)
                .setEvidence(evidence)
                .setEvidenceId(evidenceId)
                .setSignature(null)
                .build();
        sink.accept(signer.sign(unsigned));
    }

    /** Evidence in the types the Avro record holds: long, double, boolean, string, null. */
    private static Map<String, Object> evidence(Map<String, Object> in) {
        Map<String, Object> out = new LinkedHashMap<>();
        in.forEach((k, v) -> {
            if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
                out.put(k, ((Number) v).longValue());
            } else if (v instanceof Float fl) {
                out.put(k, fl.doubleValue());
            } else if (v == null || v instanceof Long || v instanceof Double || v instanceof Boolean) {
                out.put(k, v);
            } else {
                out.put(k, v.toString());
            }
        });
        return out;
    }
}
