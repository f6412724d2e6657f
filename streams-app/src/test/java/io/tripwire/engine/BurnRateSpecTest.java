package io.tripwire.engine;

import io.tripwire.engine.replay.ReplayEngine;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.tripwire.engine.Events.at;
import static io.tripwire.engine.Events.requests;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * burn-rate-fast: burn rate (bad/total)/(1 − SLO) > 14.4 over both 1h and 5m; burn-rate-slow:
 * > 6 over both 6h and 30m. For the api SLO 0.999, burn 14.4 is an error ratio of 1.44%.
 * <p>Written before the significance guard (SPEC 3), these run on the plain estimate
 * ({@link Engines#plain}): {@code confidence: off} gives exactly that behaviour. {@link SignificanceSpecTest} covers the guard.
 */
class BurnRateSpecTest {

    @Test
    void fastBurnPagesAtTheHundredthRequestWhenEveryTenthFails() {
        try (ReplayEngine engine = Engines.plain()) {
            // one request a second from 10:00:00, every 10th failing (ratio 0.1, burn 100); the 100th is at 10:01:39
            engine.sendAll(requests(at("2025-10-06T10:00:00Z"), Duration.ofSeconds(200), 200, "TENANT_004", "api", "READ", 10, 80));
            var out = engine.output();
            assertThat(Actions.timeline(out, "burn-rate-fast")).containsExactly("ALERT@2025-10-06T10:01:39Z");
            assertThat(Actions.of(out, "burn-rate-fast").get(0).getParams()).containsEntry("severity", "page");
            assertThat(Actions.of(out, "burn-rate-fast").get(0).getEvidence())
                    .containsEntry("total_1h", 100L).containsEntry("bad_5m", 10L).containsEntry("burnRate_1h", 100.0);
            assertThat(Actions.timeline(out, "burn-rate-slow")).containsExactly("ALERT@2025-10-06T10:01:39Z");
            assertThat(Actions.of(out, "burn-rate-slow").get(0).getParams()).containsEntry("severity", "ticket");
        }
    }

    @Test
    void aShortBurstBurnsTheFiveMinuteWindowButNotTheHourSoFastBurnStaysQuiet() {
        try (ReplayEngine engine = Engines.plain()) {
            // given 2,000 good requests from 10:00 to 10:50
            engine.sendAll(requests(at("2025-10-06T10:00:00Z"), Duration.ofMinutes(50), 2000, "TENANT_004", "api", "READ", 0, 80));
            // when 100 requests in 10:55-10:56 have 20 failures: 5m burn 200, but 1h burn (20/2100)/0.001 = 9.5 < 14.4
            engine.sendAll(requests(at("2025-10-06T10:55:00Z"), Duration.ofMinutes(1), 100, "TENANT_004", "api", "READ", 5, 80));
            assertThat(Actions.of(engine.output(), "burn-rate-fast")).isEmpty();
            // while the slow burn (6h: 9.5 > 6, 30m: 20/~1100 = 18 > 6) tickets
            assertThat(Actions.of(engine.output(), "burn-rate-slow")).hasSize(1);
        }
    }

    @Test
    void doesNotFireUnderMinEventsInTheShortWindow() {
        try (ReplayEngine engine = Engines.plain()) {
            // 99 requests, all failing, in the first 99 seconds: burn 1000 but fewer than 100 events
            engine.sendAll(requests(at("2025-10-06T10:00:00Z"), Duration.ofSeconds(99), 99, "TENANT_004", "api", "READ", 1, 80));
            assertThat(Actions.of(engine.output(), "burn-rate-fast")).isEmpty();
        }
    }

    @Test
    void resolvesWhenTheShortWindowCoolsThenFiresAgain() {
        try (ReplayEngine engine = Engines.plain()) {
            engine.sendAll(requests(at("2025-10-06T10:00:00Z"), Duration.ofSeconds(200), 200, "TENANT_004", "api", "READ", 10, 80));
            // good traffic from 10:04 on: the 5m window [10:05..10:09] holds only good requests from 10:09:00
            engine.sendAll(requests(at("2025-10-06T10:04:00Z"), Duration.ofMinutes(6), 360, "TENANT_004", "api", "READ", 0, 80));
            // failures again from 10:10: every request fails
            engine.sendAll(requests(at("2025-10-06T10:10:00Z"), Duration.ofSeconds(200), 200, "TENANT_004", "api", "READ", 1, 80));
            assertThat(Actions.timeline(engine.output(), "burn-rate-fast")).hasSize(3)
                    .startsWith("ALERT@2025-10-06T10:01:39Z")
                    .element(1).asString().startsWith("RESOLVED@");
            assertThat(Actions.of(engine.output(), "burn-rate-fast").get(2).getAction().name()).isEqualTo("ALERT");
        }
    }
}
