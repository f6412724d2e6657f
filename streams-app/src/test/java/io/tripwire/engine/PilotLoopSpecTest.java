package io.tripwire.engine;

import io.tripwire.engine.replay.ReplayEngine;
import io.tripwire.engine.replay.ReplayOutput;
import io.tripwire.schemas.TripwireAction;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.tripwire.engine.Events.approval;
import static io.tripwire.engine.Events.at;
import static io.tripwire.engine.Events.autonomy;
import static io.tripwire.engine.Events.override;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The autonomy pilot's loop (issue 24; SPEC 2 and 3): SIMULATE decisions give the simulation delta
 * (COMPENSATED / decided SIMULATE ops, 24h) and the {@code simulation-delta} tripwire (ALERT,
 * BLOCK_ENACT above 0.005); an approval to enact (a signed override of simulation-delta) is honoured
 * only while the delta is significantly below 0.005, else refused (override-simulation-not-passed);
 * an ENACT decision the pilot takes on its own with no approval in force fires {@code unapproved-enact}
 * once per hold (THROTTLE_AUTONOMY to 0, ENTER_SIMULATE, AUDIT_EVENT); BLOCK_ENACT and
 * THROTTLE_AUTONOMY end the approval. The rules are the stories' (the pilot lead may approve).
 */
class PilotLoopSpecTest {

    private static final String T = "TENANT_001";
    private static final Instant SIM = at("2025-10-06T09:00:00Z");

    /** {@code n} SIMULATE proposals, one every {@code every}, from {@code from}; every {@code compensateEvery}-th differs from production. */
    private static List<SpecificRecord> simulate(Instant from, int n, Duration every, int compensateEvery) {
        List<SpecificRecord> e = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Instant t = from.plus(every.multipliedBy(i));
            e.add(autonomy(t, T, "sim-" + from.getEpochSecond() + "-" + i, "SIMULATE", "AUTONOMOUS"));
            if (compensateEvery > 0 && i % compensateEvery == compensateEvery - 1) {
                e.add(autonomy(t.plusMillis(1), T, "sim-" + from.getEpochSecond() + "-" + i, "SIMULATE", "COMPENSATED"));
            }
        }
        return e;
    }

    private static List<SpecificRecord> enact(Instant from, int n, Duration every) {
        List<SpecificRecord> e = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            e.add(autonomy(from.plus(every.multipliedBy(i)), T, "op-" + from.getEpochSecond() + "-" + i, "ENACT", "AUTONOMOUS"));
        }
        return e;
    }

    private static ReplayOutput run(List<? extends SpecificRecord> events, String... sets) {
        try (ReplayEngine engine = Engines.engine(sets)) {
            engine.sendAll(events);
            return engine.output();
        }
    }

    private static List<String> brief(ReplayOutput out) {
        return out.actions().stream().map(a -> a.getTripwire() + " " + a.getAction() + "@" + a.getFiredAt()).toList();
    }

    /** A clean simulation hour: 1,200 proposals, none differing (e below 0.005 reaches 20 at about 800). */
    private static List<SpecificRecord> cleanHour() {
        return simulate(SIM, 1200, Duration.ofSeconds(3), 0);
    }

    @Test
    void aPassingSimulationThenAnApprovalThenEnactFiresNothing() {
        List<SpecificRecord> e = new ArrayList<>(cleanHour());
        e.add(approval(at("2025-10-06T09:59:00Z"), T, "CHG-1"));
        e.addAll(enact(at("2025-10-06T10:00:00Z"), 360, Duration.ofSeconds(10)));

        ReplayOutput out = run(e);

        assertThat(out.actions()).isEmpty();
        assertThat(out.deadLetters()).isEmpty();
        // the simulation delta is a signal, scope SIMULATE, per minute
        assertThat(out.signals()).anyMatch(s -> s.contains("\"signal\":\"simulation_delta\",\"tenant\":\"TENANT_001\",\"scope\":\"SIMULATE\""));
    }

    @Test
    void anApprovalBeforeTheSimulationPassedIsRefusedAndEnactThenFiresOnce() {
        List<SpecificRecord> e = new ArrayList<>(simulate(SIM, 600, Duration.ofSeconds(3), 0)); // 600 ops: e = 11 < 20
        Instant early = at("2025-10-06T09:30:01Z");
        e.add(approval(early, T, "CHG-1"));
        e.addAll(enact(at("2025-10-06T09:31:00Z"), 30, Duration.ofSeconds(10)));

        ReplayOutput out = run(e);

        assertThat(out.deadLetters()).extracting(d -> d.reason()).containsExactly("override-simulation-not-passed");
        TripwireAction audit = Actions.of(out, "hitl-approval").get(0);
        assertThat(audit.getScope()).isEqualTo("simulation-delta");
        assertThat(audit.getReason()).contains("refused, override-simulation-not-passed", "0 / 600", "e = 11.1 < 20");
        // the pilot enacts anyway: unapproved-enact, once for the 30 decisions
        assertThat(brief(out)).containsExactly("hitl-approval AUDIT_EVENT@" + early,
                "unapproved-enact THROTTLE_AUTONOMY@2025-10-06T09:31:00Z", "unapproved-enact ENTER_SIMULATE@2025-10-06T09:31:00Z",
                "unapproved-enact AUDIT_EVENT@2025-10-06T09:31:00Z");
        assertThat(Actions.of(out, "unapproved-enact").get(0).getParams()).containsEntry("to", "0");
    }

    @Test
    void aDriftingSimulationIsRefusedTooAndTheTokenIsNotSpent() {
        // 2% of proposals differ from production: the delta is above 0.005, not below; simulation-delta fires
        List<SpecificRecord> e = new ArrayList<>(simulate(SIM, 1200, Duration.ofSeconds(3), 50));
        e.add(approval(at("2025-10-06T10:00:01Z"), T, "CHG-1"));
        ReplayOutput out = run(e);
        assertThat(out.deadLetters()).extracting(d -> d.reason()).containsExactly("override-simulation-not-passed");
        assertThat(Actions.of(out, "hitl-approval").get(0).getReason()).contains("is not below 0.005");
        assertThat(Actions.of(out, "simulation-delta")).extracting(a -> a.getAction().name()).containsExactly("ALERT", "BLOCK_ENACT");
        assertThat(Actions.of(out, "simulation-delta").get(0).getParams()).containsEntry("severity", "warning");

        // a refused approval does not use its token: the same token, once the simulation passes, is honoured
        List<SpecificRecord> later = new ArrayList<>(simulate(SIM, 600, Duration.ofSeconds(3), 0));
        later.add(approval(at("2025-10-06T09:30:01Z"), T, "CHG-1"));
        later.addAll(simulate(at("2025-10-06T09:30:02Z"), 600, Duration.ofSeconds(3), 0));
        later.add(approval(at("2025-10-06T10:00:10Z"), T, "CHG-1"));
        later.addAll(enact(at("2025-10-06T10:01:00Z"), 10, Duration.ofSeconds(10)));
        ReplayOutput second = run(later);
        assertThat(second.deadLetters()).extracting(d -> d.reason()).containsExactly("override-simulation-not-passed");
        assertThat(Actions.of(second, "unapproved-enact")).isEmpty();
    }

    @Test
    void enactWithoutAnApprovalFiresOnceAndAnApprovalAfterAPassingSimulationReleasesIt() {
        List<SpecificRecord> e = new ArrayList<>(enact(at("2025-10-06T08:50:00Z"), 5, Duration.ofSeconds(10)));
        e.addAll(cleanHour());
        Instant approved = at("2025-10-06T09:59:30Z");
        e.add(approval(approved, T, "CHG-2"));
        e.addAll(enact(at("2025-10-06T10:00:00Z"), 10, Duration.ofSeconds(10)));

        ReplayOutput out = run(e);

        assertThat(brief(out)).containsExactly("unapproved-enact THROTTLE_AUTONOMY@2025-10-06T08:50:00Z",
                "unapproved-enact ENTER_SIMULATE@2025-10-06T08:50:00Z", "unapproved-enact AUDIT_EVENT@2025-10-06T08:50:00Z",
                "unapproved-enact RESOLVED@" + approved);
        TripwireAction resolved = out.actions().get(3);
        assertThat(resolved.getEvidence()).containsEntry("approver", "pilot-lead@example.org").containsEntry("keyId", "pilot-2025")
                .containsEntry("approvalTokenId", "CHG-2");
        assertThat(out.actions().get(0).getReason()).contains("op-", "none was ever given");
        // human steps and compensations are not the pilot enacting
        ReplayOutput humans = run(List.of(autonomy(at("2025-10-06T10:00:00Z"), T, "op-1", "ENACT", "HITL_OVERRIDE"),
                autonomy(at("2025-10-06T10:00:10Z"), T, "op-1", "ENACT", "COMPENSATED")));
        assertThat(humans.actions()).isEmpty();
    }

    @Test
    void blockEnactFromADriftingSimulationEndsTheApproval() {
        List<SpecificRecord> e = new ArrayList<>(cleanHour());
        e.add(approval(at("2025-10-06T09:59:00Z"), T, "CHG-3"));
        e.addAll(enact(at("2025-10-06T10:00:00Z"), 60, Duration.ofSeconds(10)));
        // the simulation goes on beside production and drifts: 60 of 300 proposals differ
        e.addAll(simulate(at("2025-10-06T10:00:01Z"), 300, Duration.ofSeconds(2), 5));
        e.addAll(enact(at("2025-10-06T10:20:00Z"), 5, Duration.ofSeconds(10)));
        e.sort(java.util.Comparator.comparing(r -> (Instant) r.get(r.getSchema().getField("ts").pos())));

        ReplayOutput out = run(e);

        List<TripwireAction> block = Actions.of(out, "simulation-delta");
        assertThat(block).extracting(a -> a.getAction().name()).containsExactly("ALERT", "BLOCK_ENACT");
        Instant blocked = block.get(1).getFiredAt();
        assertThat(blocked).isBefore(at("2025-10-06T10:20:00Z"));
        // the next decision the pilot takes on its own is unapproved, and names what ended the approval
        List<TripwireAction> unapproved = Actions.of(out, "unapproved-enact");
        assertThat(unapproved).extracting(a -> a.getAction().name()).containsExactly("THROTTLE_AUTONOMY", "ENTER_SIMULATE", "AUDIT_EVENT");
        assertThat(unapproved.get(0).getFiredAt()).isAfter(blocked);
        assertThat(unapproved.get(0).getEvidence()).containsEntry("lastApprovalToken", "CHG-3")
                .containsEntry("lastApprovalEndedBy", "simulation-delta BLOCK_ENACT").containsEntry("lastApprovalEnded", blocked.toString());
    }

    @Test
    void throttleAutonomyFromCompensationsEndsTheApproval() {
        List<SpecificRecord> e = new ArrayList<>(cleanHour());
        e.add(approval(at("2025-10-06T09:59:00Z"), T, "CHG-4"));
        List<SpecificRecord> enacted = enact(at("2025-10-06T10:00:00Z"), 360, Duration.ofSeconds(10));
        e.addAll(enacted);
        // six of the enacted ops are undone from 10:30: autonomy-compensation throttles (THROTTLE_AUTONOMY 0.25)
        for (int m = 0; m < 6; m++) {
            e.add(autonomy(at("2025-10-06T10:30:05Z").plusSeconds(60L * m), T, "op-x-" + m, "ENACT", "COMPENSATED"));
        }
        e.sort(java.util.Comparator.comparing(r -> (Instant) r.get(r.getSchema().getField("ts").pos())));

        ReplayOutput out = run(e);

        TripwireAction throttle = Actions.of(out, "autonomy-compensation").get(0);
        assertThat(throttle.getAction().name()).isEqualTo("THROTTLE_AUTONOMY");
        List<TripwireAction> unapproved = Actions.of(out, "unapproved-enact");
        assertThat(unapproved).isNotEmpty();
        assertThat(unapproved.get(0).getFiredAt()).isAfter(throttle.getFiredAt()).isBefore(throttle.getFiredAt().plusSeconds(11));
        assertThat(unapproved.get(0).getEvidence()).containsEntry("lastApprovalEndedBy", "autonomy-compensation THROTTLE_AUTONOMY");
    }

    @Test
    void onlyTheApproversOfSimulationDeltaMayApproveAndTheRequirementCanBeTurnedOff() {
        // the DPO's key may override residency and error budget, not approve enacting
        List<SpecificRecord> e = new ArrayList<>(cleanHour());
        e.add(override(at("2025-10-06T09:59:00Z"), T, "simulation-delta", "CHG-5"));
        e.addAll(enact(at("2025-10-06T10:00:00Z"), 3, Duration.ofSeconds(10)));
        ReplayOutput out = run(e);
        assertThat(out.deadLetters()).extracting(d -> d.reason()).containsExactly("override-not-permitted");
        assertThat(Actions.of(out, "unapproved-enact")).hasSize(3);

        // users who gate enactment elsewhere turn the requirement off
        ReplayOutput off = run(enact(at("2025-10-06T10:00:00Z"), 30, Duration.ofSeconds(10)), "tripwires.unapproved-enact.enabled=false");
        assertThat(off.actions()).isEmpty();
    }
}
