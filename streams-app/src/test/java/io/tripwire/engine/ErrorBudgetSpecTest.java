package io.tripwire.engine;

import io.tripwire.engine.replay.ReplayEngine;
import io.tripwire.engine.replay.ReplayOutput;
import io.tripwire.schemas.TripwireAction;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.tripwire.engine.Events.at;
import static io.tripwire.engine.Events.request;
import static io.tripwire.engine.Events.requests;
import static io.tripwire.engine.Events.rollout;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * error-budget: remaining = 1 − (bad/total)/(1 − SLO) over 24h; fires under 0.60 (SLO api 0.999,
 * so when bad/total > 0.0004), on at least 100 requests.
 * <p>Written before the significance guard (SPEC 3), these run on the plain estimate
 * ({@link Engines#plain}): {@code confidence: off} gives exactly that behaviour. {@link SignificanceSpecTest} covers the guard.
 */
class ErrorBudgetSpecTest {

    /** 1,000 good API requests, one every 100 ms from 10:00:00 (last at 10:01:39.900). */
    private static List<io.tripwire.schemas.RequestLatency> thousandGood(String tenant) {
        return requests(at("2025-10-06T10:00:00Z"), Duration.ofSeconds(100), 1000, tenant, "api", "READ", 0, 80);
    }

    @Test
    void firesRollbackFreezeAndIncidentWhenBudgetFallsUnderSixtyPercent() {
        try (ReplayEngine engine = Engines.plain()) {
            engine.sendAll(thousandGood("TENANT_004"));
            engine.send(rollout(at("2025-10-06T10:01:50Z"), "TENANT_004", 10, 2), 0, null);
            // when: one failure makes bad/total = 1/1001 = 0.000999 > 0.0004, remaining 0.0010
            engine.send(request(at("2025-10-06T10:02:00Z"), "TENANT_004", "api", "READ", 503, 80), 0, null);

            List<TripwireAction> fired = Actions.of(engine.output(), "error-budget");
            assertThat(Actions.timeline(engine.output(), "error-budget")).containsExactly(
                    "ROLLBACK_LAST_STEP@2025-10-06T10:02:00Z", "FREEZE_RAMP@2025-10-06T10:02:00Z", "OPEN_INCIDENT@2025-10-06T10:02:00Z");
            assertThat(fired.get(0).getParams()).containsEntry("to", "2");
            assertThat(fired.get(1).getParams()).containsEntry("until", "2025-10-07T10:02:00Z");
            assertThat(fired.get(0).getEvidence()).containsEntry("bad", 1L).containsEntry("total", 1001L).containsEntry("window", "24h");
            assertThat(fired.get(0).getReason()).isEqualTo("error budget remaining 0.000999 < 0.6 over 24h (bad 1 / total 1001)");
            assertThat(fired).allSatisfy(a -> assertThat(a.getScope()).isEqualTo("api"));
        }
    }

    @Test
    void rollbackGoesToPrevWhenNoRolloutStepIsKnown() {
        try (ReplayEngine engine = Engines.plain()) {
            engine.sendAll(thousandGood("TENANT_004"));
            engine.send(request(at("2025-10-06T10:02:00Z"), "TENANT_004", "api", "READ", 503, 80), 0, null);
            assertThat(Actions.of(engine.output(), "error-budget").get(0).getParams()).containsEntry("to", "prev");
        }
    }

    @Test
    void doesNotFireUnderMinEventsThenFiresAtTheHundredthRequest() {
        try (ReplayEngine engine = Engines.plain()) {
            // given 99 requests, 10 of them failing (ratio 0.1): too few to judge
            engine.sendAll(requests(at("2025-10-06T10:00:00Z"), Duration.ofSeconds(99), 99, "TENANT_004", "api", "READ", 10, 80));
            assertThat(Actions.of(engine.output(), "error-budget")).isEmpty();
            // when the 100th arrives
            engine.send(request(at("2025-10-06T10:01:40Z"), "TENANT_004", "api", "READ", 200, 80), 0, null);
            assertThat(Actions.timeline(engine.output(), "error-budget")).first().isEqualTo("ROLLBACK_LAST_STEP@2025-10-06T10:01:40Z");
        }
    }

    @Test
    void resolvesWhenBudgetRecoversThenCanFireAgain() {
        try (ReplayEngine engine = Engines.plain()) {
            engine.sendAll(thousandGood("TENANT_004"));
            engine.send(request(at("2025-10-06T10:02:00Z"), "TENANT_004", "api", "READ", 503, 80), 0, null);
            // 1 bad needs total >= 2500 for bad/total <= 0.0004: the 1,499th good request after it resolves
            engine.sendAll(requests(at("2025-10-06T10:03:00Z"), Duration.ofSeconds(1499), 1499, "TENANT_004", "api", "READ", 0, 80));
            // a second failure: 2/2501 > 0.0004
            engine.send(request(at("2025-10-06T10:30:00Z"), "TENANT_004", "api", "READ", 500, 80), 0, null);

            assertThat(Actions.timeline(engine.output(), "error-budget")).containsExactly(
                    "ROLLBACK_LAST_STEP@2025-10-06T10:02:00Z", "FREEZE_RAMP@2025-10-06T10:02:00Z", "OPEN_INCIDENT@2025-10-06T10:02:00Z",
                    "RESOLVED@2025-10-06T10:27:58Z",
                    "ROLLBACK_LAST_STEP@2025-10-06T10:30:00Z", "FREEZE_RAMP@2025-10-06T10:30:00Z", "OPEN_INCIDENT@2025-10-06T10:30:00Z");
        }
    }

    @Test
    void givesTheSameIdsOnEveryRun() {
        List<String> first;
        List<String> second;
        try (ReplayEngine engine = Engines.plain()) {
            engine.sendAll(thousandGood("TENANT_004"));
            engine.send(request(at("2025-10-06T10:02:00Z"), "TENANT_004", "api", "READ", 503, 80), 0, null);
            first = ids(engine.output());
        }
        try (ReplayEngine engine = Engines.plain()) {
            engine.sendAll(thousandGood("TENANT_004"));
            engine.send(request(at("2025-10-06T10:02:00Z"), "TENANT_004", "api", "READ", 503, 80), 0, null);
            second = ids(engine.output());
        }
        assertThat(first).hasSize(3).doesNotHaveDuplicates().isEqualTo(second);
    }

    /** actionId/decisionId/evidenceId per action: one decision, three distinct action ids. */
    private static List<String> ids(ReplayOutput out) {
        return Actions.of(out, "error-budget").stream()
                .map(a -> a.getActionId() + "/" + a.getDecisionId() + "/" + a.getEvidenceId()).toList();
    }
}
