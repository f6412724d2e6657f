package io.tripwire.cli.history;

import io.tripwire.json.JsonForm;
import io.tripwire.schemas.HumanOverride;
import io.tripwire.schemas.Op;
import io.tripwire.schemas.PolicyDecision;
import io.tripwire.schemas.PolicyVerdict;
import io.tripwire.schemas.RequestLatency;
import io.tripwire.schemas.RolloutStep;
import io.tripwire.signing.OverrideSignatures;
import org.apache.avro.specific.SpecificRecord;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Tenants whose state at the end of a 3-hour window {@code [end − 3h, end)} was decided before it,
 * each with clean traffic in the window (2,700 requests, every 4 s: enough for availability at 99.4%):
 * <ul>
 *   <li>{@code FROZEN}: a request every 4 s from 30h before the end; 40 × 503 five hours before it
 *       burn the 24h error budget (ROLLBACK_LAST_STEP, FREEZE_RAMP until 19h after the end); an hour
 *       before the end the ramp is raised from 10% to 25% while frozen (ramp-freeze rolls it back).</li>
 *   <li>{@code HELD}: a residency DENY five days before the end, never overridden, and another an hour
 *       before it (held: no second REQUIRE_HITL).</li>
 *   <li>{@code RELEASED}: a residency DENY five days before the end, released four days before it by a
 *       signed override.</li>
 *   <li>{@code THAWED}: a request every 30 s from 62h before the end, 40 × 503 sixty hours before it: its
 *       freeze ended 36h before the end.</li>
 * </ul>
 */
public final class BeforeTheWindow {

    public static final String FROZEN = "TENANT_FROZEN";
    public static final String HELD = "TENANT_HELD";
    public static final String RELEASED = "TENANT_RELEASED";
    public static final String THAWED = "TENANT_THAWED";
    public static final Duration WINDOW = Duration.ofHours(3);

    private BeforeTheWindow() {
    }

    /**
     * The events, in time order; the override signed with {@code approverKey} as {@code keyId} of
     * {@code approver}, valid for 15 minutes.
     */
    public static List<SpecificRecord> events(Instant end, String approver, String keyId, PrivateKey approverKey) {
        List<SpecificRecord> e = new ArrayList<>();
        Instant from = end.minus(WINDOW);
        // FROZEN
        e.add(step(end.minus(Duration.ofHours(31)), FROZEN, 10, 2));
        requests(e, FROZEN, end.minus(Duration.ofHours(30)), end, 4);
        for (int i = 0; i < 40; i++) {
            e.add(request(end.minus(Duration.ofHours(5)).plusSeconds(i).plusMillis(500), FROZEN, 503));
        }
        e.add(step(end.minus(Duration.ofHours(1)).plusMillis(250), FROZEN, 25, 10));
        // HELD
        e.add(deny(end.minus(Duration.ofDays(5)), HELD, "ing-1"));
        requests(e, HELD, from, end, 4);
        e.add(deny(end.minus(Duration.ofHours(1)).plusMillis(500), HELD, "ing-2"));
        // RELEASED
        e.add(deny(end.minus(Duration.ofDays(5)), RELEASED, "ing-3"));
        Instant at = end.minus(Duration.ofDays(4));
        HumanOverride o = HumanOverride.newBuilder().setTs(at).setTenant(RELEASED).setTripwire("residency-violation")
                .setApprovalTokenId("CHG-REL-1").setBy(approver).setKeyId(keyId).setNotAfter(at.plus(Duration.ofMinutes(15)))
                .setSignature(null).build();
        e.add(OverrideSignatures.sign(o, approverKey));
        requests(e, RELEASED, from, end, 4);
        // THAWED
        requests(e, THAWED, end.minus(Duration.ofHours(62)), from, 30);
        for (int i = 0; i < 40; i++) {
            e.add(request(end.minus(Duration.ofHours(60)).plusSeconds(i).plusMillis(500), THAWED, 503));
        }
        requests(e, THAWED, from, end, 4);
        e.sort(Comparator.comparing(BeforeTheWindow::ts));
        return e;
    }

    /** The events as a JSON-lines file. */
    public static Path write(List<SpecificRecord> events, Path file) throws IOException {
        return Files.write(file, events.stream().map(JsonForm::write).toList(), StandardCharsets.UTF_8);
    }

    public static Instant ts(SpecificRecord e) {
        return (Instant) e.get(e.getSchema().getField("ts").pos());
    }

    public static String tenant(SpecificRecord e) {
        return e.get(e.getSchema().getField("tenant").pos()).toString();
    }

    private static void requests(List<SpecificRecord> out, String tenant, Instant from, Instant to, int everySeconds) {
        for (Instant t = from; t.isBefore(to); t = t.plusSeconds(everySeconds)) {
            out.add(request(t, tenant, 200));
        }
    }

    private static RequestLatency request(Instant t, String tenant, int status) {
        return RequestLatency.newBuilder().setTs(t).setTenant(tenant).setService("api").setOp(Op.READ).setStatus(status)
                .setLatencyMs(80).setRegion(null).setRoute(null).setRequestId(null).build();
    }

    private static RolloutStep step(Instant t, String tenant, int percent, int previous) {
        return RolloutStep.newBuilder().setTs(t).setTenant(tenant).setWave("A").setRegion(null).setStepPercent(percent)
                .setPreviousPercent(previous).build();
    }

    private static PolicyDecision deny(Instant t, String tenant, String opId) {
        return PolicyDecision.newBuilder().setTs(t).setTenant(tenant).setOpId(opId).setDecision(PolicyVerdict.DENY).setPolicy("residency")
                .setResidencyZone("eu").setDataZone("us").setPurpose(null).build();
    }
}
