package io.tripwire.engine;

import io.tripwire.schemas.AutonomyDecision;
import io.tripwire.schemas.AutonomyMode;
import io.tripwire.schemas.AutonomyOutcome;
import io.tripwire.schemas.HumanOverride;
import io.tripwire.signing.OverrideSignatures;
import io.tripwire.schemas.MetricSample;
import io.tripwire.schemas.Op;
import io.tripwire.schemas.PolicyDecision;
import io.tripwire.schemas.PolicyVerdict;
import io.tripwire.schemas.RequestLatency;
import io.tripwire.schemas.RolloutStep;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Readable builders of input events for specification tests. */
public final class Events {

    private Events() {
    }

    public static Instant at(String iso) {
        return Instant.parse(iso);
    }

    public static RequestLatency request(Instant ts, String tenant, String service, String op, int status, double latencyMs) {
        return RequestLatency.newBuilder().setTs(ts).setTenant(tenant).setService(service).setOp(Op.valueOf(op))
                .setStatus(status).setLatencyMs(latencyMs).setRegion(null).setRoute(null).setRequestId(null).build();
    }

    /**
     * {@code count} requests spread evenly over [from, from + span), every {@code badEvery}-th one a 503
     * (0 = none bad), all with {@code latencyMs}.
     */
    public static List<RequestLatency> requests(Instant from, Duration span, int count, String tenant, String service,
                                                String op, int badEvery, double latencyMs) {
        List<RequestLatency> out = new ArrayList<>();
        long step = span.toMillis() / count;
        for (int i = 0; i < count; i++) {
            boolean bad = badEvery > 0 && i % badEvery == 0;
            out.add(request(from.plusMillis(i * step), tenant, service, op, bad ? 503 : 200, latencyMs));
        }
        return out;
    }

    public static MetricSample metric(Instant ts, String tenant, String name, double value, Map<String, String> labels) {
        return MetricSample.newBuilder().setTs(ts).setTenant(tenant).setName(name).setValue(value).setLabels(labels).build();
    }

    public static AutonomyDecision autonomy(Instant ts, String tenant, String opId, String mode, String outcome) {
        return AutonomyDecision.newBuilder().setTs(ts).setTenant(tenant).setOpId(opId)
                .setMode(AutonomyMode.valueOf(mode)).setOutcome(AutonomyOutcome.valueOf(outcome)).build();
    }

    public static PolicyDecision policy(Instant ts, String tenant, String opId, String decision, String policy) {
        return PolicyDecision.newBuilder().setTs(ts).setTenant(tenant).setOpId(opId).setDecision(PolicyVerdict.valueOf(decision))
                .setPolicy(policy).setResidencyZone("eu").setDataZone("us").setPurpose("investigation").build();
    }

    /** A request labelled with its cohort ({@code canary} or {@code baseline}; SPEC 3, "Canary judgement"). */
    public static RequestLatency labelled(Instant ts, String tenant, String service, String op, int status, double latencyMs, String cohort) {
        return RequestLatency.newBuilder(request(ts, tenant, service, op, status, latencyMs)).setCohort(cohort).build();
    }

    /** A request carrying only the version that served it (its cohort follows from the stage's version). */
    public static RequestLatency versioned(Instant ts, String tenant, String service, String op, int status, double latencyMs, String version) {
        return RequestLatency.newBuilder(request(ts, tenant, service, op, status, latencyMs)).setVersion(version).build();
    }

    /** A rollout step that names the version it rolls out. */
    public static RolloutStep rollout(Instant ts, String tenant, int step, Integer previous, String version) {
        return RolloutStep.newBuilder(rollout(ts, tenant, step, previous)).setVersion(version).build();
    }

    public static RolloutStep rollout(Instant ts, String tenant, int step, Integer previous) {
        return RolloutStep.newBuilder().setTs(ts).setTenant(tenant).setWave("A").setRegion("eu-west-1")
                .setStepPercent(step).setPreviousPercent(previous).build();
    }

    /**
     * An override approved by the stories' approver: signed with test-data/story-keys (key id dpo-2025,
     * trusted by the rules the tests run with, test-data/story-rules.yaml), valid for an hour.
     */
    public static HumanOverride override(Instant ts, String tenant, String tripwire, String token) {
        return OverrideSignatures.sign(HumanOverride.newBuilder(unsignedOverride(ts, tenant, tripwire, token))
                .setKeyId(STORY_KEY_ID).setNotAfter(ts.plus(java.time.Duration.ofHours(1))).build(), STORY_KEY);
    }

    /** An override nobody signed: the engine refuses it (override-unsigned). */
    public static HumanOverride unsignedOverride(Instant ts, String tenant, String tripwire, String token) {
        return HumanOverride.newBuilder().setTs(ts).setTenant(tenant).setTripwire(tripwire).setApprovalTokenId(token)
                .setBy("dpo@example.org").build();
    }

    /**
     * The autonomy pilot lead's approval to enact (issue 24): an override of simulation-delta signed with the
     * stories' pilot key (key id pilot-2025, test-data/story-rules.yaml), valid for an hour.
     */
    public static HumanOverride approval(Instant ts, String tenant, String token) {
        return OverrideSignatures.sign(HumanOverride.newBuilder().setTs(ts).setTenant(tenant).setTripwire("simulation-delta")
                .setApprovalTokenId(token).setBy("pilot-lead@example.org").setKeyId(PILOT_KEY_ID)
                .setNotAfter(ts.plus(java.time.Duration.ofHours(1))).build(), PILOT_KEY);
    }

    /** The stories' approver key (a test key, public by design: test-data/story-keys/README.md). */
    public static final String STORY_KEY_ID = "dpo-2025";
    public static final java.security.PrivateKey STORY_KEY = storyKey("private.pem");
    /** The stories' autonomy pilot lead's key. */
    public static final String PILOT_KEY_ID = "pilot-2025";
    public static final java.security.PrivateKey PILOT_KEY = storyKey("pilot-private.pem");

    private static java.security.PrivateKey storyKey(String file) {
        try {
            return io.tripwire.signing.Ed25519Keys.readPrivate(java.nio.file.Path.of("..", "test-data", "story-keys", file));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
