package io.tripwire.testing;

import io.tripwire.schemas.ActionResult;
import io.tripwire.schemas.ActionType;
import io.tripwire.schemas.AutonomyDecision;
import io.tripwire.schemas.AutonomyMode;
import io.tripwire.schemas.AutonomyOutcome;
import io.tripwire.schemas.HumanOverride;
import io.tripwire.schemas.MetricSample;
import io.tripwire.schemas.Op;
import io.tripwire.schemas.PolicyDecision;
import io.tripwire.schemas.PolicyVerdict;
import io.tripwire.schemas.RequestLatency;
import io.tripwire.schemas.ResultStatus;
import io.tripwire.schemas.RolloutStep;
import io.tripwire.schemas.TripwireAction;
import io.tripwire.signing.ActionIds;
import org.apache.avro.specific.SpecificRecord;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One realistic record of each type, as the SPEC examples describe them. */
public final class SampleRecords {

    public static final Instant T0 = Instant.parse("2025-10-06T10:00:00.123Z");

    private SampleRecords() {
    }

    public static RequestLatency request() {
        return RequestLatency.newBuilder().setTs(T0).setTenant("TENANT_004").setService("api").setOp(Op.READ)
                .setStatus(200).setLatencyMs(212.5).setRegion("eu-west-1").setRoute("/graphql").setRequestId("r-1").build();
    }

    public static MetricSample metric() {
        return MetricSample.newBuilder().setTs(T0).setTenant("TENANT_004").setName("pg_replica_lag_seconds")
                .setValue(72.0).setLabels(Map.of("replica", "db-2")).build();
    }

    public static AutonomyDecision autonomy() {
        return AutonomyDecision.newBuilder().setTs(T0).setTenant("TENANT_001").setOpId("op-17")
                .setMode(AutonomyMode.ENACT).setOutcome(AutonomyOutcome.AUTONOMOUS).build();
    }

    public static PolicyDecision policy() {
        return PolicyDecision.newBuilder().setTs(T0).setTenant("TENANT_005").setOpId("ing-9")
                .setDecision(PolicyVerdict.DENY).setPolicy("residency").setResidencyZone("eu").setDataZone("us")
                .setPurpose("investigation").build();
    }

    public static RolloutStep rollout() {
        return RolloutStep.newBuilder().setTs(T0).setTenant("TENANT_004").setWave("A").setRegion("eu-west-1")
                .setStepPercent(10).setPreviousPercent(2).build();
    }

    public static HumanOverride override() {
        return HumanOverride.newBuilder().setTs(T0).setTenant("TENANT_005").setTripwire("residency-violation")
                .setApprovalTokenId("tok-1").setBy("dpo@example.org").build();
    }

    /** The SPEC section 4 example, unsigned. */
    public static TripwireAction action() {
        Instant firedAt = Instant.parse("2025-10-06T11:07:00Z");
        String decisionId = ActionIds.decisionId("error-budget", "TENANT_004", "api", firedAt, null);
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("remaining", 0.5442);
        evidence.put("bad", 23L);
        evidence.put("total", 41200L);
        evidence.put("window", "24h");
        return TripwireAction.newBuilder()
                .setActionId(ActionIds.actionId(decisionId, "ROLLBACK_LAST_STEP"))
                .setDecisionId(decisionId)
                .setTripwire("error-budget").setTenant("TENANT_004").setScope("api")
                .setAction(ActionType.ROLLBACK_LAST_STEP).setFiredAt(firedAt)
                .setParams(Map.of("to", "10"))
                .setReason("error budget remaining 0.54 < 0.60 over 24h (bad 23 / total 41200)")
                .setEvidence(evidence).setEvidenceId(ActionIds.evidenceId(evidence))
                .build();
    }

    public static ActionResult result() {
        return ActionResult.newBuilder().setActionId(action().getActionId()).setTenant("TENANT_004")
                .setTripwire("error-budget").setAction("ROLLBACK_LAST_STEP").setStatus(ResultStatus.EXECUTED)
                .setHandler("command").setAttempts(1).setDurationMs(42).setDetail("exit 0").setExitCode(0)
                .setOutputDigest("ab12").setAt(Instant.parse("2025-10-06T11:07:01.500Z")).build();
    }

    /** Every record type once. */
    public static List<SpecificRecord> all() {
        return List.of(request(), metric(), autonomy(), policy(), rollout(), override(), action(), result());
    }
}
