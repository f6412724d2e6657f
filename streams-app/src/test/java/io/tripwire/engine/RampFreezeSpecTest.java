package io.tripwire.engine;

import io.tripwire.engine.replay.ReplayEngine;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.tripwire.engine.Events.at;
import static io.tripwire.engine.Events.override;
import static io.tripwire.engine.Events.request;
import static io.tripwire.engine.Events.requests;
import static io.tripwire.engine.Events.rollout;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * ramp-freeze: error-budget's FREEZE_RAMP freezes the tenant's ramp until firedAt + 24h; a step
 * that raises stepPercent while frozen fires ROLLBACK_LAST_STEP to its previousPercent. An
 * override for error-budget lifts the freeze.
 * <p>Written before the significance guard (SPEC 3), these run on the plain estimate
 * ({@link Engines#plain}): {@code confidence: off} gives exactly that behaviour. {@link SignificanceSpecTest} covers the guard.
 */
class RampFreezeSpecTest {

    /** TENANT_004 at 10%, then its error budget fires at 10:02:00: frozen until 2025-10-07T10:02:00Z. */
    private static ReplayEngine frozenAtTwoPastTen() {
        ReplayEngine engine = Engines.plain();
        engine.send(rollout(at("2025-10-06T09:00:00Z"), "TENANT_004", 10, 2), 0, null);
        engine.sendAll(requests(at("2025-10-06T10:00:00Z"), Duration.ofSeconds(100), 1000, "TENANT_004", "api", "READ", 0, 80));
        engine.send(request(at("2025-10-06T10:02:00Z"), "TENANT_004", "api", "READ", 503, 80), 0, null);
        assertThat(Actions.timeline(engine.output(), "error-budget")).contains("FREEZE_RAMP@2025-10-06T10:02:00Z");
        return engine;
    }

    @Test
    void aRaiseDuringTheFreezeRollsBackToItsPreviousPercent() {
        try (ReplayEngine engine = frozenAtTwoPastTen()) {
            engine.send(rollout(at("2025-10-06T11:00:00Z"), "TENANT_004", 25, 10), 0, null);
            assertThat(Actions.timeline(engine.output(), "ramp-freeze")).containsExactly("ROLLBACK_LAST_STEP@2025-10-06T11:00:00Z");
            assertThat(Actions.of(engine.output(), "ramp-freeze").get(0).getParams()).containsEntry("to", "10");
        }
    }

    @Test
    void theFreezeHoldsUntilTheLastMillisecondBeforeFiredAtPlusTwentyFourHours() {
        try (ReplayEngine engine = frozenAtTwoPastTen()) {
            engine.send(rollout(at("2025-10-07T10:01:59.999Z"), "TENANT_004", 25, 10), 0, null);
            assertThat(Actions.of(engine.output(), "ramp-freeze")).hasSize(1);
        }
    }

    @Test
    void aRaiseAtFiredAtPlusTwentyFourHoursIsNoLongerFrozen() {
        try (ReplayEngine engine = frozenAtTwoPastTen()) {
            engine.send(rollout(at("2025-10-07T10:02:00Z"), "TENANT_004", 25, 10), 0, null);
            assertThat(Actions.of(engine.output(), "ramp-freeze")).isEmpty();
        }
    }

    @Test
    void aStepDownDuringTheFreezeIsAllowed() {
        try (ReplayEngine engine = frozenAtTwoPastTen()) {
            engine.send(rollout(at("2025-10-06T11:00:00Z"), "TENANT_004", 2, 10), 0, null);
            assertThat(Actions.of(engine.output(), "ramp-freeze")).isEmpty();
        }
    }

    @Test
    void anErrorBudgetOverrideLiftsTheFreeze() {
        try (ReplayEngine engine = frozenAtTwoPastTen()) {
            engine.send(override(at("2025-10-06T10:30:00Z"), "TENANT_004", "error-budget", "tok-7"), 0, null);
            engine.send(rollout(at("2025-10-06T11:00:00Z"), "TENANT_004", 25, 10), 0, null);
            assertThat(Actions.of(engine.output(), "ramp-freeze")).isEmpty();
        }
    }

    @Test
    void anOverrideOfAnotherTripwireDoesNotLiftTheFreeze() {
        try (ReplayEngine engine = frozenAtTwoPastTen()) {
            engine.send(override(at("2025-10-06T10:30:00Z"), "TENANT_004", "residency-violation", "tok-7"), 0, null);
            engine.send(rollout(at("2025-10-06T11:00:00Z"), "TENANT_004", 25, 10), 0, null);
            assertThat(Actions.of(engine.output(), "ramp-freeze")).hasSize(1);
        }
    }
}
