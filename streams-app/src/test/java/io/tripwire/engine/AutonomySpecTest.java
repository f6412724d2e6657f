package io.tripwire.engine;

import io.tripwire.engine.replay.ReplayEngine;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static io.tripwire.engine.Events.at;
import static io.tripwire.engine.Events.autonomy;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * autonomy-compensation: COMPENSATED / decided ENACT ops over 24h > 0.5% → THROTTLE_AUTONOMY (to
 * 0.25), ENTER_SIMULATE. autonomy-rate: AUTONOMOUS / decided < 99.9% → ALERT. SIMULATE never counts.
 * <p>Written before the significance guard (SPEC 3), these run on the plain estimate
 * ({@link Engines#plain}): {@code confidence: off} gives exactly that behaviour. {@link SignificanceSpecTest} covers the guard.
 */
class AutonomySpecTest {

    /** {@code n} ENACT ops decided autonomously, one every 10 s from 10:00:00. */
    private static void autonomous(ReplayEngine engine, String tenant, String mode, int n) {
        for (int i = 0; i < n; i++) {
            engine.send(autonomy(at("2025-10-06T10:00:00Z").plusSeconds(10L * i), tenant, "op-" + i, mode, "AUTONOMOUS"), 0, null);
        }
    }

    private static void event(ReplayEngine engine, String ts, String mode, String outcome) {
        engine.send(autonomy(Instant.parse(ts), "TENANT_001", "op-x", mode, outcome), 0, null);
    }

    @Test
    void throttlesAutonomyWhenCompensationsExceedHalfAPercent() {
        try (ReplayEngine engine = Engines.plain()) {
            autonomous(engine, "TENANT_001", "ENACT", 200);
            event(engine, "2025-10-06T11:00:00Z", "ENACT", "COMPENSATED"); // 1/200 = 0.005: not above
            assertThat(Actions.of(engine.output(), "autonomy-compensation")).isEmpty();
            event(engine, "2025-10-06T11:00:10Z", "ENACT", "COMPENSATED"); // 2/200 = 0.01
            assertThat(Actions.timeline(engine.output(), "autonomy-compensation")).containsExactly(
                    "THROTTLE_AUTONOMY@2025-10-06T11:00:10Z", "ENTER_SIMULATE@2025-10-06T11:00:10Z");
            var throttle = Actions.of(engine.output(), "autonomy-compensation").get(0);
            assertThat(throttle.getParams()).containsEntry("to", "0.25");
            assertThat(throttle.getScope()).isEqualTo("ENACT");
            assertThat(throttle.getEvidence()).containsEntry("compensated", 2L).containsEntry("decided", 200L);
        }
    }

    @Test
    void simulateEventsNeverCount() {
        try (ReplayEngine engine = Engines.plain()) {
            autonomous(engine, "TENANT_001", "SIMULATE", 200);
            for (int i = 0; i < 50; i++) {
                event(engine, "2025-10-06T11:00:" + String.format("%02d", i) + "Z", "SIMULATE", "COMPENSATED");
                event(engine, "2025-10-06T11:01:" + String.format("%02d", i) + "Z", "SIMULATE", "HITL_OVERRIDE");
            }
            assertThat(engine.output().actions()).isEmpty();
            assertThat(engine.output().signals()).noneMatch(s -> s.contains("compensation_rate"));
        }
    }

    @Test
    void alertsWhenTheAutonomousShareFallsUnderNinetyNinePointNinePercent() {
        try (ReplayEngine engine = Engines.plain()) {
            autonomous(engine, "TENANT_001", "ENACT", 200);
            event(engine, "2025-10-06T11:00:00Z", "ENACT", "HITL_OVERRIDE"); // 200/201 = 0.995
            assertThat(Actions.timeline(engine.output(), "autonomy-rate")).containsExactly("ALERT@2025-10-06T11:00:00Z");
            assertThat(Actions.of(engine.output(), "autonomy-rate").get(0).getParams()).containsEntry("severity", "warning");
        }
    }

    @Test
    void doesNotFireUnderMinEventsDecidedOps() {
        try (ReplayEngine engine = Engines.plain()) {
            autonomous(engine, "TENANT_001", "ENACT", 99);
            event(engine, "2025-10-06T11:00:00Z", "ENACT", "COMPENSATED");
            event(engine, "2025-10-06T11:00:01Z", "ENACT", "COMPENSATED");
            assertThat(Actions.of(engine.output(), "autonomy-compensation")).isEmpty();
        }
    }

    @Test
    void resolvesWhenCompensationsLeaveTheDayWindow() {
        try (ReplayEngine engine = Engines.plain()) {
            autonomous(engine, "TENANT_001", "ENACT", 200);
            event(engine, "2025-10-06T11:00:00Z", "ENACT", "COMPENSATED");
            event(engine, "2025-10-06T11:00:10Z", "ENACT", "COMPENSATED");
            // a day later the buckets of 10:00-11:00 have left the 24h window: 0 compensations of 1 decided
            engine.send(autonomy(at("2025-10-07T11:01:00Z"), "TENANT_001", "op-y", "ENACT", "AUTONOMOUS"), 0, null);
            assertThat(Actions.timeline(engine.output(), "autonomy-compensation")).last().isEqualTo("RESOLVED@2025-10-07T11:01:00Z");
        }
    }
}
