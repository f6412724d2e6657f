package io.tripwire.engine;

import io.tripwire.engine.replay.ReplayEngine;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.tripwire.engine.Events.at;
import static io.tripwire.engine.Events.request;
import static io.tripwire.engine.Events.requests;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Event time and grace (30 s, per tenant and input topic), and tenant isolation: nothing of one
 * tenant affects another.
 * <p>Written before the significance guard (SPEC 3), these run on the plain estimate
 * ({@link Engines#plain}): {@code confidence: off} gives exactly that behaviour. {@link SignificanceSpecTest} covers the guard.
 */
class GraceAndIsolationSpecTest {

    @Test
    void anOutOfOrderEventWithinGraceIsCounted() {
        try (ReplayEngine engine = Engines.plain()) {
            engine.sendAll(requests(at("2025-10-06T10:00:00Z"), Duration.ofSeconds(100), 1000, "TENANT_004", "api", "READ", 0, 80));
            engine.send(request(at("2025-10-06T10:02:20Z"), "TENANT_004", "api", "READ", 200, 80), 0, null);
            // 20 s behind the tenant's stream time: within grace
            engine.send(request(at("2025-10-06T10:02:00Z"), "TENANT_004", "api", "READ", 503, 80), 0, null);
            var fired = Actions.of(engine.output(), "error-budget");
            // evaluated at the tenant's stream time
            assertThat(Actions.timeline(engine.output(), "error-budget")).first().isEqualTo("ROLLBACK_LAST_STEP@2025-10-06T10:02:20Z");
            assertThat(fired.get(0).getEvidence()).containsEntry("bad", 1L).containsEntry("total", 1002L);
            assertThat(engine.output().deadLetters()).isEmpty();
        }
    }

    @Test
    void aLateEventIsDeadLetteredNotCounted() {
        try (ReplayEngine engine = Engines.plain()) {
            engine.sendAll(requests(at("2025-10-06T10:00:00Z"), Duration.ofSeconds(100), 1000, "TENANT_004", "api", "READ", 0, 80));
            engine.send(request(at("2025-10-06T10:02:20Z"), "TENANT_004", "api", "READ", 200, 80), 7, "line seven");
            // 40 s behind: late
            engine.send(request(at("2025-10-06T10:01:40Z"), "TENANT_004", "api", "READ", 503, 80), 8, "line eight");
            assertThat(Actions.of(engine.output(), "error-budget")).isEmpty();
            assertThat(engine.output().deadLetters()).singleElement().satisfies(d -> {
                assertThat(d.reason()).isEqualTo("late");
                assertThat(d.line()).isEqualTo(8);
                assertThat(d.error()).contains("older than its stream time 2025-10-06T10:02:20Z minus grace PT30S");
            });
        }
    }

    @Test
    void anEventFarAheadOfTheWallClockIsDeadLetteredAndDoesNotMoveTheClock() {
        try (ReplayEngine engine = Engines.plain()) {
            engine.sendAll(requests(at("2025-10-06T10:00:00Z"), Duration.ofSeconds(100), 1000, "TENANT_004", "api", "READ", 0, 80));
            engine.send(request(java.time.Instant.now().plus(Duration.ofDays(2)), "TENANT_004", "api", "READ", 200, 80), 9, "line nine");
            // the clock did not jump two days ahead: this one is not late
            engine.send(request(at("2025-10-06T10:02:00Z"), "TENANT_004", "api", "READ", 503, 80), 10, "line ten");
            assertThat(engine.output().deadLetters()).singleElement().satisfies(d -> {
                assertThat(d.reason()).isEqualTo("future");
                assertThat(d.line()).isEqualTo(9);
            });
            assertThat(Actions.of(engine.output(), "error-budget")).isNotEmpty();
        }
    }

    @Test
    void anEventBefore1970IsDeadLetteredNotSilentlySkipped() {
        try (ReplayEngine engine = Engines.plain()) {
            // Kafka Streams would skip a negative timestamp with only a log line; the decoder refuses it first
            engine.send(request(java.time.Instant.parse("1969-12-31T23:59:30Z"), "TENANT_004", "api", "READ", 503, 80), 3, "line three");
            engine.send(request(at("1970-01-01T00:00:00Z"), "TENANT_004", "api", "READ", 200, 80), 4, "line four");
            assertThat(engine.output().deadLetters()).singleElement().satisfies(d -> {
                assertThat(d.reason()).isEqualTo("bad-timestamp");
                assertThat(d.line()).isEqualTo(3);
            });
            assertThat(engine.output().signals()).isEmpty();
        }
    }

    @Test
    void oneTenantsBadRequestsFireOnlyForThatTenant() {
        try (ReplayEngine engine = Engines.plain()) {
            engine.sendAll(requests(at("2025-10-06T10:00:00Z"), Duration.ofSeconds(100), 1000, "TENANT_A", "api", "READ", 0, 80));
            engine.sendAll(requests(at("2025-10-06T10:00:00Z"), Duration.ofSeconds(100), 1000, "TENANT_B", "api", "READ", 0, 80));
            engine.send(request(at("2025-10-06T10:02:00Z"), "TENANT_A", "api", "READ", 503, 80), 0, null);
            assertThat(engine.output().actions()).extracting(a -> a.getTenant()).containsOnly("TENANT_A");
        }
    }

    @Test
    void anotherTenantsLaterEventsDoNotMakeATenantsEventsLate() {
        try (ReplayEngine engine = Engines.plain()) {
            engine.sendAll(requests(at("2025-10-06T10:00:00Z"), Duration.ofSeconds(100), 1000, "TENANT_A", "api", "READ", 0, 80));
            engine.send(request(at("2025-10-06T12:00:00Z"), "TENANT_B", "api", "READ", 200, 80), 0, null);
            engine.send(request(at("2025-10-06T10:02:00Z"), "TENANT_A", "api", "READ", 503, 80), 0, null);
            assertThat(engine.output().deadLetters()).isEmpty();
            assertThat(Actions.timeline(engine.output(), "error-budget")).first().isEqualTo("ROLLBACK_LAST_STEP@2025-10-06T10:02:00Z");
        }
    }
}
