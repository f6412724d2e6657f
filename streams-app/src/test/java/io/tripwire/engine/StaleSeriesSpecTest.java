package io.tripwire.engine;

import io.tripwire.engine.replay.ReplayEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static io.tripwire.engine.Events.at;
import static io.tripwire.engine.Events.metric;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A metric series in breach that stops reporting gets one STALE warning after stale-after (2 min)
 * of wall-clock silence; silence never fires or resolves.
 */
class StaleSeriesSpecTest {

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private PrintStream stderr;

    @BeforeEach
    void captureLog() {
        stderr = System.err;
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreLog() {
        System.setErr(stderr);
    }

    private String logged() {
        return log.toString(StandardCharsets.UTF_8);
    }

    @Test
    void warnsOnceWhenASeriesInBreachFallsSilent() {
        try (ReplayEngine engine = Engines.engine()) {
            engine.send(metric(at("2025-10-06T10:00:00Z"), "TENANT_004", "pg_replica_lag_seconds", 72.0, Map.of("replica", "db-2")), 0, null);
            engine.send(metric(at("2025-10-06T10:00:00Z"), "TENANT_004", "pg_replica_lag_seconds", 3.0, Map.of("replica", "db-1")), 0, null);
            engine.advanceWallClock(Duration.ofSeconds(90));
            assertThat(logged()).doesNotContain("STALE");
            engine.advanceWallClock(Duration.ofSeconds(60));
            engine.advanceWallClock(Duration.ofSeconds(60));
            assertThat(logged()).containsOnlyOnce("STALE tenant=TENANT_004 tripwire=replica-lag series=pg_replica_lag_seconds{replica=\"db-2\"}");
            assertThat(logged()).doesNotContain("db-1");
            assertThat(engine.output().actions()).isEmpty();
        }
    }

    @Test
    void aSeriesThatKeepsReportingIsNotStale() {
        try (ReplayEngine engine = Engines.engine()) {
            for (int i = 0; i < 8; i++) {
                engine.send(metric(at("2025-10-06T10:00:00Z").plusSeconds(30L * i), "TENANT_004", "pg_replica_lag_seconds", 72.0,
                        Map.of("replica", "db-2")), 0, null);
                engine.advanceWallClock(Duration.ofSeconds(30));
            }
            assertThat(logged()).doesNotContain("STALE");
        }
    }
}
