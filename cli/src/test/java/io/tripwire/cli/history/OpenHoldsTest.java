package io.tripwire.cli.history;

import io.tripwire.engine.rules.Rules;
import io.tripwire.engine.rules.RulesLoader;
import io.tripwire.engine.tripwires.TripwireKinds;
import io.tripwire.schemas.ActionType;
import io.tripwire.schemas.HumanOverride;
import io.tripwire.schemas.TripwireAction;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How far back the rules reach (computed from the rules loaded, not a constant), and what is still
 * open at an instant in the engine's records, read back to where a replay opens it again.
 */
class OpenHoldsTest {

    private static final Path SHIPPED = Path.of("..", "config", "tripwires.yaml");
    private static final Instant AT = Instant.parse("2025-10-10T00:00:00Z");

    private static Rules rules(String... sets) throws IOException {
        return new RulesLoader(TripwireKinds::parse).load(SHIPPED, List.of(sets), Map.of());
    }

    @Test
    void theLookbackIsTheLongestReachOfTheRulesLoaded() throws Exception {
        assertThat(Lookback.of(rules())).isEqualTo(new Lookback(Duration.ofHours(48), "error-budget: 24h window + 24h freeze-for"));
        // a shorter freeze: the error budget reaches 26h, still the longest
        assertThat(Lookback.of(rules("tripwires.error-budget.freeze-for=2h")).span()).isEqualTo(Duration.ofHours(26));
        // a 3-day autonomy window with keep-firing-for: that rule sets it
        assertThat(Lookback.of(rules("tripwires.autonomy-rate.window=72h", "tripwires.autonomy-rate.keep-firing-for=30m")))
                .isEqualTo(new Lookback(Duration.ofMinutes(72 * 60 + 30), "autonomy-rate: 72h window + 30m keep-firing-for"));
    }

    @Test
    void aResidencyHoldIsOpenUntilItsResolvedAndReadBackToItsDeny() throws Exception {
        Instant deny = AT.minus(Duration.ofDays(9));
        List<TripwireAction> held = List.of(action("residency-violation", "T5", "T5", ActionType.ABORT_OP, deny, Map.of()),
                action("residency-violation", "T5", "T5", ActionType.REQUIRE_HITL, deny, Map.of()),
                // a later DENY while held: ABORT_OP and AUDIT_EVENT only, the hold's opening stays the first DENY
                action("residency-violation", "T5", "T5", ActionType.ABORT_OP, deny.plusSeconds(60), Map.of()));
        assertThat(OpenHolds.at(AT, held, List.of(), rules())).singleElement().satisfies(h -> {
            assertThat(h.since()).isEqualTo(deny);
            assertThat(h.readFrom()).isEqualTo(deny);
            assertThat(h.what()).isEqualTo("residency-violation REQUIRE_HITL of T5 (scope T5)");
        });
        List<TripwireAction> released = new java.util.ArrayList<>(held);
        released.add(action("residency-violation", "T5", "T5", ActionType.RESOLVED, deny.plusSeconds(120), Map.of()));
        assertThat(OpenHolds.at(AT, released, List.of(), rules())).isEmpty();
        // what comes at or after the instant is not known yet
        assertThat(OpenHolds.at(deny, held, List.of(), rules())).isEmpty();
    }

    @Test
    void aFiringKeyIsReadBackItsRulesReachAndACanaryFiringToItsStage() throws Exception {
        Instant fired = AT.minus(Duration.ofDays(3));
        Instant stage = fired.minus(Duration.ofMinutes(40));
        List<TripwireAction> actions = List.of(action("replica-lag", "T4", "lag{db-2}", ActionType.STOP_RAMP, fired, Map.of()),
                action("canary-errors", "T4", "api", ActionType.ROLLBACK_LAST_STEP, fired, Map.of("stageStart", stage.toString())),
                action("canary-errors", "T4", "api", ActionType.CANARY_PASSED, fired, Map.of()), // not a firing
                action("purpose-missing", "T4", "T4", ActionType.ABORT_OP, fired, Map.of()),     // every DENY: no hold
                action("hitl-approval", "T4", "error-budget", ActionType.AUDIT_EVENT, fired, Map.of()));
        assertThat(OpenHolds.at(AT, actions, List.of(), rules())).extracting(h -> h.what() + " <- " + h.readFrom()).containsExactly(
                "canary-errors ROLLBACK_LAST_STEP of T4 (scope api) <- " + stage.minus(Duration.ofMinutes(5)),
                "replica-lag STOP_RAMP of T4 (scope lag{db-2}) <- " + fired.minus(Duration.ofMinutes(5))); // held-for 5m
    }

    @Test
    void anApprovalToEnactInForceIsReadBackOneSimulationWindowEndedOrRefusedOnesAreNot() throws Exception {
        Instant given = AT.minus(Duration.ofDays(4));
        HumanOverride approval = HumanOverride.newBuilder().setTs(given).setTenant("T1").setTripwire("simulation-delta")
                .setApprovalTokenId("CHG-1").setBy("pilot-lead@example.org").setKeyId("pilot").setNotAfter(null).setSignature("x").build();
        assertThat(OpenHolds.at(AT, List.of(), List.of(approval), rules())).singleElement().satisfies(h -> {
            assertThat(h.what()).isEqualTo("approval to enact CHG-1 of T1 by pilot-lead@example.org");
            assertThat(h.readFrom()).isEqualTo(given.minus(Duration.ofHours(24))); // judged on the 24h of simulation before it
        });
        TripwireAction ended = action("autonomy-compensation", "T1", "ENACT", ActionType.THROTTLE_AUTONOMY, given.plusSeconds(3600), Map.of());
        assertThat(OpenHolds.at(AT, List.of(ended), List.of(approval), rules())).extracting(OpenHolds.Hold::what)
                .containsExactly("autonomy-compensation THROTTLE_AUTONOMY of T1 (scope ENACT)"); // the throttle is open, the approval not
        TripwireAction refused = action("hitl-approval", "T1", "simulation-delta", ActionType.AUDIT_EVENT, given,
                Map.of("approvalTokenId", "CHG-1"));
        assertThat(OpenHolds.at(AT, List.of(refused), List.of(approval), rules())).isEmpty();
    }

    private static TripwireAction action(String tripwire, String tenant, String scope, ActionType type, Instant at, Map<String, Object> evidence) {
        return TripwireAction.newBuilder().setActionId(tripwire + type + at).setDecisionId(tripwire + at).setTripwire(tripwire).setTenant(tenant)
                .setScope(scope).setAction(type).setFiredAt(at).setParams(new HashMap<>()).setReason("").setEvidence(new HashMap<>(evidence))
                .setEvidenceId("").setSignature("").build();
    }
}
