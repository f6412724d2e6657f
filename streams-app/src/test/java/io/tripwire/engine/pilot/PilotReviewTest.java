package io.tripwire.engine.pilot;

import io.tripwire.engine.Engines;
import io.tripwire.engine.Events;
import io.tripwire.engine.oracle.MixtureEValue;
import io.tripwire.engine.replay.FileReplay;
import io.tripwire.engine.replay.ReplayInput;
import io.tripwire.engine.replay.ReplayOutput;
import io.tripwire.signing.ActionSigner;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The pilot review of test-data/wave-a.jsonl's three pilots (test-data/README.md), its e-values checked against the oracle's. */
class PilotReviewTest {

    private static final Instant FROM = Instant.parse("2025-10-06T09:00:00Z");
    private static final Instant TO = Instant.parse("2025-10-06T11:00:00Z");
    private static List<SpecificRecord> events;
    private static ReplayOutput out;

    @BeforeAll
    static void replay() throws Exception {
        ReplayInput input = FileReplay.read(Path.of("..", "test-data", "wave-a.jsonl"), (p, d, t) -> { });
        events = input.events().stream().map(ReplayInput.Event::event).toList();
        out = input.replay(Engines.rules(), new ActionSigner(Engines.KEYS.getPrivate()), (p, d, t) -> { });
    }

    private static PilotReview review(String tenant) {
        return PilotReview.of(tenant, FROM, TO, events, out.actions(), Engines.rules());
    }

    @Test
    void tenant001SimulatedCleanlyWasApprovedOnceThenThrottled() {
        PilotReview r = review("TENANT_001");
        // 1,200 proposals in the simulation hour and 149 after the throttle, none differing: significantly below 0.5%
        assertThat(r.simulationDelta().k()).isZero();
        assertThat(r.simulationDelta().n()).isEqualTo(1349);
        assertThat(r.simulationDelta().verdict()).isEqualTo(PilotReview.Verdict.PASS);
        assertThat(Math.log(r.simulationDelta().eGood())).isCloseTo(MixtureEValue.logE(0, 1349, 0.005, 100, false), within(1e-9));
        // 211 autonomous of 214 decided ENACT ops (3 human steps), 6 undone: both significantly on the bad side
        assertThat(r.autonomyRate().k()).isEqualTo(211);
        assertThat(r.autonomyRate().n()).isEqualTo(214);
        assertThat(r.autonomyRate().verdict()).isEqualTo(PilotReview.Verdict.FAIL);
        assertThat(r.autonomyRate().eBad()).isCloseTo(Math.exp(MixtureEValue.logE(211, 214, 0.999, 100, false)), within(1e-6));
        assertThat(r.autonomyRate().eBad()).isCloseTo(48.4, within(0.05)); // the engine's autonomy-rate reason at 10:38:05
        assertThat(r.compensationRate().k()).isEqualTo(6);
        assertThat(r.compensationRate().verdict()).isEqualTo(PilotReview.Verdict.FAIL);
        assertThat(r.hitlDecisions()).isEqualTo(3);
        // the 09:30 approval refused, the 09:55 one honoured until the throttle at 10:35:05
        assertThat(r.refusals()).singleElement().satisfies(x -> {
            assertThat(x.token()).isEqualTo("CHG-PILOT-0");
            assertThat(x.reason()).isEqualTo("override-simulation-not-passed");
            assertThat(x.at()).isEqualTo(Instant.parse("2025-10-06T09:30:01Z"));
        });
        assertThat(r.approvals()).singleElement().satisfies(a -> {
            assertThat(a.token()).isEqualTo("CHG-PILOT-1");
            assertThat(a.approver()).isEqualTo("pilot-lead@example.org");
            assertThat(a.keyId()).isEqualTo("pilot-2025");
            assertThat(a.at()).isEqualTo(Instant.parse("2025-10-06T09:55:01Z"));
            assertThat(a.endedAt()).isEqualTo(Instant.parse("2025-10-06T10:35:05Z"));
            assertThat(a.endedBy()).isEqualTo("autonomy-compensation THROTTLE_AUTONOMY");
            assertThat(a.inForce()).isFalse();
        });
        assertThat(r.loopActions()).containsEntry("autonomy-compensation THROTTLE_AUTONOMY", 1L).containsEntry("autonomy-rate ALERT", 1L)
                .doesNotContainKey("unapproved-enact THROTTLE_AUTONOMY");
        // listed as a review reads them, the same on every run: the loop's tripwires in order, each one's actions as they fired
        assertThat(r.loopActions().keySet()).containsExactly("autonomy-compensation THROTTLE_AUTONOMY",
                "autonomy-compensation ENTER_SIMULATE", "autonomy-rate ALERT");
    }

    @Test
    void tenant002HasTooFewProposalsToDecideAndNoEnactOps() {
        PilotReview r = review("TENANT_002");
        assertThat(r.simulationDelta().n()).isEqualTo(360);
        assertThat(r.simulationDelta().verdict()).isEqualTo(PilotReview.Verdict.INCONCLUSIVE);
        assertThat(r.simulationDelta().eGood()).isLessThan(20);
        assertThat(r.autonomyRate().verdict()).isEqualTo(PilotReview.Verdict.NA);
        assertThat(r.compensationRate().verdict()).isEqualTo(PilotReview.Verdict.NA);
        assertThat(r.approvals()).isEmpty();
        assertThat(r.loopActions()).isEmpty();
    }

    @Test
    void tenant003EnactedWithoutAnApproval() {
        PilotReview r = review("TENANT_003");
        assertThat(r.simulationDelta().verdict()).isEqualTo(PilotReview.Verdict.NA);
        assertThat(r.autonomyRate().n()).isEqualTo(6);
        assertThat(r.autonomyRate().verdict()).isEqualTo(PilotReview.Verdict.INCONCLUSIVE);
        assertThat(r.loopActions()).containsExactly(java.util.Map.entry("unapproved-enact THROTTLE_AUTONOMY", 1L),
                java.util.Map.entry("unapproved-enact ENTER_SIMULATE", 1L), java.util.Map.entry("unapproved-enact AUDIT_EVENT", 1L));
        // a window that ends before 10:45 sees none of it
        PilotReview before = PilotReview.of("TENANT_003", FROM, Instant.parse("2025-10-06T10:45:00Z"), events, out.actions(), Engines.rules());
        assertThat(before.autonomyRate().verdict()).isEqualTo(PilotReview.Verdict.NA);
        assertThat(before.loopActions()).isEmpty();
    }

    @Test
    void anApprovalGivenBeforeTheWindowIsListedWhileItWasInForceAtTheStart() {
        // CHG-PILOT-1 (09:55:01) is in force from 10:00 to 10:30, the throttle at 10:35:05 is after that window
        PilotReview during = PilotReview.of("TENANT_001", Instant.parse("2025-10-06T10:00:00Z"), Instant.parse("2025-10-06T10:30:00Z"),
                events, out.actions(), Engines.rules());
        assertThat(during.approvals()).singleElement().satisfies(a -> {
            assertThat(a.token()).isEqualTo("CHG-PILOT-1");
            assertThat(a.inForce()).isTrue();
        });
        assertThat(during.refusals()).as("the 09:30 refusal is before the window").isEmpty();
        // from 10:40 it had ended before the window began
        PilotReview after = PilotReview.of("TENANT_001", Instant.parse("2025-10-06T10:40:00Z"), TO, events, out.actions(), Engines.rules());
        assertThat(after.approvals()).isEmpty();
    }

    @Test
    void fewerDecidedOpsThanMinEventsDecideNothingAsTheEngineWouldNot() {
        // 10 of 50 proposals differ: 20%, e(above) far past 20, but the engine neither fires nor honours on fewer than 100 ops
        PilotReview fifty = PilotReview.of("T", FROM, TO, proposals(50, 10), List.of(), Engines.rules());
        assertThat(fifty.simulationDelta().eAbove()).isGreaterThan(1000);
        assertThat(fifty.simulationDelta().minEvents()).isEqualTo(100);
        assertThat(fifty.simulationDelta().verdict()).isEqualTo(PilotReview.Verdict.INCONCLUSIVE);
        // at 100 ops, 20 differing: FAIL
        PilotReview hundred = PilotReview.of("T", FROM, TO, proposals(100, 20), List.of(), Engines.rules());
        assertThat(hundred.simulationDelta().verdict()).isEqualTo(PilotReview.Verdict.FAIL);
        assertThat(hundred.simulationDelta().ruleId()).isEqualTo("simulation-delta");
        assertThat(hundred.simulationDelta().guard().priorStrength()).isEqualTo(100);
    }

    /** {@code n} SIMULATE proposals from 09:00, one a second, and {@code k} of them compensated a minute later. */
    private static List<SpecificRecord> proposals(int n, int k) {
        List<SpecificRecord> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Events.autonomy(FROM.plusSeconds(i), "T", "op-" + i, "SIMULATE", "AUTONOMOUS"));
        }
        for (int i = 0; i < k; i++) {
            out.add(Events.autonomy(FROM.plusSeconds(60 + i), "T", "op-" + i, "SIMULATE", "COMPENSATED"));
        }
        return out;
    }
}
