package io.tripwire.engine;

import io.tripwire.engine.replay.ReplayEngine;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.tripwire.engine.Events.at;
import static io.tripwire.engine.Events.requests;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * ingest-errors: ingest error ratio over 1h > 0.5%, held for 15 minutes (every request event is an
 * evaluation), on at least 100 requests.
 * <p>Written before the significance guard (SPEC 3), these run on the plain estimate
 * ({@link Engines#plain}): {@code confidence: off} gives exactly that behaviour. {@link SignificanceSpecTest} covers the guard.
 */
class IngestErrorsSpecTest {

    @Test
    void firesFifteenMinutesAfterTheFirstBreachingEvaluation() {
        try (ReplayEngine engine = Engines.plain()) {
            // one ingest request every 6 s from 10:00:00, every 50th failing (2%); the 100th (10:09:54) starts the run
            engine.sendAll(requests(at("2025-10-06T10:00:00Z"), Duration.ofMinutes(30), 300, "TENANT_004", "ingest", "WRITE", 50, 40));
            assertThat(Actions.timeline(engine.output(), "ingest-errors")).containsExactly("ALERT@2025-10-06T10:24:54Z");
            assertThat(Actions.of(engine.output(), "ingest-errors").get(0).getParams()).containsEntry("severity", "critical");
        }
    }

    @Test
    void aBreachShorterThanFifteenMinutesDoesNotFire() {
        try (ReplayEngine engine = Engines.plain()) {
            engine.sendAll(requests(at("2025-10-06T10:00:00Z"), Duration.ofMinutes(20), 200, "TENANT_004", "ingest", "WRITE", 50, 40));
            // at 10:20 a flood of good requests brings the hour's ratio to 4/1200 = 0.33%: the run (from 10:09:54) breaks at 10:20
            engine.sendAll(requests(at("2025-10-06T10:20:00Z"), Duration.ofSeconds(100), 1000, "TENANT_004", "ingest", "WRITE", 0, 40));
            engine.sendAll(requests(at("2025-10-06T10:22:00Z"), Duration.ofMinutes(10), 100, "TENANT_004", "ingest", "WRITE", 0, 40));
            assertThat(Actions.of(engine.output(), "ingest-errors")).isEmpty();
        }
    }

    @Test
    void onlyTheIngestServiceCounts() {
        try (ReplayEngine engine = Engines.plain()) {
            engine.sendAll(requests(at("2025-10-06T10:00:00Z"), Duration.ofMinutes(30), 300, "TENANT_004", "api", "WRITE", 50, 40));
            assertThat(Actions.of(engine.output(), "ingest-errors")).isEmpty();
        }
    }

    @Test
    void doesNotFireUnderMinEvents() {
        try (ReplayEngine engine = Engines.plain()) {
            // 99 requests over 30 minutes, every 10th failing
            engine.sendAll(requests(at("2025-10-06T10:00:00Z"), Duration.ofMinutes(30), 99, "TENANT_004", "ingest", "WRITE", 10, 40));
            assertThat(Actions.of(engine.output(), "ingest-errors")).isEmpty();
        }
    }

    @Test
    void resolvesThenCanFireAgain() {
        try (ReplayEngine engine = Engines.plain("tripwires.ingest-errors.held-for=0m")) {
            engine.sendAll(requests(at("2025-10-06T10:00:00Z"), Duration.ofSeconds(100), 100, "TENANT_004", "ingest", "WRITE", 50, 40));
            engine.sendAll(requests(at("2025-10-06T10:02:00Z"), Duration.ofSeconds(400), 400, "TENANT_004", "ingest", "WRITE", 0, 40));
            engine.sendAll(requests(at("2025-10-06T10:09:00Z"), Duration.ofSeconds(10), 10, "TENANT_004", "ingest", "WRITE", 1, 40));
            assertThat(Actions.timeline(engine.output(), "ingest-errors")).extracting(s -> s.substring(0, s.indexOf('@')))
                    .containsExactly("ALERT", "RESOLVED", "ALERT");
        }
    }
}
