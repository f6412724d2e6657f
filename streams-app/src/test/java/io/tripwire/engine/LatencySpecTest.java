package io.tripwire.engine;

import io.tripwire.engine.replay.ReplayEngine;
import io.tripwire.engine.replay.ReplayOutput;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static io.tripwire.engine.Events.at;
import static io.tripwire.engine.Events.requests;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * read-latency / write-latency: p95 over the 5-minute window [m − 5m, m) evaluated at each minute
 * boundary m once stream time passes m + 30 s, held for 10 minutes.
 */
class LatencySpecTest {

    /** One READ request a second from {@code from} for {@code minutes}, all at {@code latencyMs}. */
    private static void reads(ReplayEngine engine, String tenant, Instant from, int minutes, double latencyMs) {
        engine.sendAll(requests(from, Duration.ofMinutes(minutes), minutes * 60, tenant, "api", "READ", 0, latencyMs));
    }

    @Test
    void firesAtTheBoundaryTenMinutesAfterTheFirstBreachingOne() {
        try (ReplayEngine engine = Engines.engine()) {
            // breach at every boundary from 10:01 (window 09:56-10:01 holds 10:00's 500 ms requests)
            reads(engine, "TENANT_004", at("2025-10-06T10:00:00Z"), 30, 500);
            ReplayOutput out = engine.output();
            assertThat(Actions.timeline(out, "read-latency")).containsExactly("ALERT@2025-10-06T10:11:00Z");
            assertThat(Actions.of(out, "read-latency").get(0).getEvidence())
                    .containsEntry("windowEnd", "2025-10-06T10:11:00Z").containsEntry("count", 300L);
            assertThat((Double) Actions.of(out, "read-latency").get(0).getEvidence().get("p95Ms")).isCloseTo(500.0, org.assertj.core.data.Percentage.withPercentage(0.1));
            assertThat(Actions.of(out, "write-latency")).isEmpty();
        }
    }

    @Test
    void aSixMinuteSpikeBreachesNineMinutesOfBoundariesAndDoesNotFire() {
        try (ReplayEngine engine = Engines.engine()) {
            // 500 ms in minutes 10:00..10:05, then 100 ms: the window of boundary B holds minutes B-5..B-1, so
            // boundaries 10:01..10:10 breach (one spike minute of five still makes p95 500) and 10:11 does not:
            // held 9 minutes < 10
            reads(engine, "TENANT_004", at("2025-10-06T10:00:00Z"), 6, 500);
            reads(engine, "TENANT_004", at("2025-10-06T10:06:00Z"), 20, 100);
            assertThat(Actions.of(engine.output(), "read-latency")).isEmpty();
        }
    }

    @Test
    void aSevenMinuteSpikeFiresAtTenElevenAndResolvesAtTheFirstBoundaryUnderThreshold() {
        try (ReplayEngine engine = Engines.engine()) {
            reads(engine, "TENANT_004", at("2025-10-06T10:00:00Z"), 7, 500);
            reads(engine, "TENANT_004", at("2025-10-06T10:07:00Z"), 20, 100);
            // boundaries 10:01..10:11 breach; the window of 10:12 is 10:07-10:11, all 100 ms
            assertThat(Actions.timeline(engine.output(), "read-latency"))
                    .containsExactly("ALERT@2025-10-06T10:11:00Z", "RESOLVED@2025-10-06T10:12:00Z");
        }
    }

    @Test
    void canFireAgainAfterResolving() {
        try (ReplayEngine engine = Engines.engine()) {
            reads(engine, "TENANT_004", at("2025-10-06T10:00:00Z"), 7, 500);
            reads(engine, "TENANT_004", at("2025-10-06T10:07:00Z"), 10, 100);
            reads(engine, "TENANT_004", at("2025-10-06T10:17:00Z"), 20, 900);
            // second run: breach from boundary 10:18 (window holds 10:17), fires at 10:28
            assertThat(Actions.timeline(engine.output(), "read-latency")).containsExactly(
                    "ALERT@2025-10-06T10:11:00Z", "RESOLVED@2025-10-06T10:12:00Z", "ALERT@2025-10-06T10:28:00Z");
        }
    }

    @Test
    void writeLatencyUsesItsOwnSevenHundredMillisecondThreshold() {
        try (ReplayEngine engine = Engines.engine()) {
            engine.sendAll(requests(at("2025-10-06T10:00:00Z"), Duration.ofMinutes(30), 1800, "TENANT_004", "api", "WRITE", 0, 650));
            assertThat(Actions.of(engine.output(), "write-latency")).isEmpty();
        }
        try (ReplayEngine engine = Engines.engine()) {
            engine.sendAll(requests(at("2025-10-06T10:00:00Z"), Duration.ofMinutes(30), 1800, "TENANT_004", "api", "WRITE", 0, 750));
            assertThat(Actions.timeline(engine.output(), "write-latency")).containsExactly("ALERT@2025-10-06T10:11:00Z");
            assertThat(Actions.of(engine.output(), "read-latency")).isEmpty();
        }
    }

    @Test
    void emitsP95AndP99SignalsAtEachBoundary() {
        try (ReplayEngine engine = Engines.engine()) {
            reads(engine, "TENANT_004", at("2025-10-06T10:00:00Z"), 3, 200);
            assertThat(engine.output().signals()).filteredOn(s -> s.contains("latency_p95_ms")).hasSize(2)
                    .first().asString().contains("\"at\":\"2025-10-06T10:01:00Z\"").contains("\"scope\":\"READ\"");
        }
    }
}
