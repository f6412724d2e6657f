package io.tripwire.engine;

import io.tripwire.engine.replay.ReplayEngine;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static io.tripwire.engine.Events.at;
import static io.tripwire.engine.Events.metric;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * replica-lag: pg_replica_lag_seconds > 60 at every sample for 5 minutes, per tenant × series;
 * a sample at or under 60 breaks the run.
 */
class ReplicaLagSpecTest {

    private static final Map<String, String> DB2 = Map.of("replica", "db-2");

    /** One lag sample every 30 s from {@code from}, {@code n} of them, all at {@code lag}. */
    private static void lag(ReplayEngine engine, Instant from, int n, double lag, Map<String, String> labels) {
        for (int i = 0; i < n; i++) {
            engine.send(metric(from.plusSeconds(30L * i), "TENANT_004", "pg_replica_lag_seconds", lag, labels), 0, null);
        }
    }

    @Test
    void firesAtTheFirstSampleFiveMinutesIntoTheBreach() {
        try (ReplayEngine engine = Engines.engine()) {
            lag(engine, at("2025-10-06T10:00:00Z"), 12, 72.0, DB2); // 10:00:00 .. 10:05:30
            var fired = Actions.of(engine.output(), "replica-lag");
            assertThat(Actions.timeline(engine.output(), "replica-lag")).containsExactly(
                    "STOP_RAMP@2025-10-06T10:05:00Z", "FAILOVER_READ_REPLICAS@2025-10-06T10:05:00Z",
                    "QUEUE_WRITES@2025-10-06T10:05:00Z", "NOTIFY_ONCALL@2025-10-06T10:05:00Z");
            assertThat(fired.get(0).getScope()).isEqualTo("pg_replica_lag_seconds{replica=\"db-2\"}");
            assertThat(fired.get(0).getEvidence()).containsEntry("breachSince", "2025-10-06T10:00:00Z").containsEntry("value", 72.0);
        }
    }

    @Test
    void aSampleAtTheThresholdBreaksTheRun() {
        try (ReplayEngine engine = Engines.engine()) {
            lag(engine, at("2025-10-06T10:00:00Z"), 9, 72.0, DB2);  // 10:00:00 .. 10:04:00
            lag(engine, at("2025-10-06T10:04:30Z"), 1, 60.0, DB2);  // at the threshold: run broken
            lag(engine, at("2025-10-06T10:05:00Z"), 10, 72.0, DB2); // new run from 10:05:00, last sample 10:09:30
            assertThat(Actions.of(engine.output(), "replica-lag")).isEmpty();
            lag(engine, at("2025-10-06T10:10:00Z"), 1, 72.0, DB2);  // five minutes into the new run
            assertThat(Actions.timeline(engine.output(), "replica-lag")).first().isEqualTo("STOP_RAMP@2025-10-06T10:10:00Z");
        }
    }

    @Test
    void resolvesAtTheFirstSampleUnderTheThresholdThenCanFireAgain() {
        try (ReplayEngine engine = Engines.engine()) {
            lag(engine, at("2025-10-06T10:00:00Z"), 11, 72.0, DB2);
            lag(engine, at("2025-10-06T10:05:30Z"), 1, 12.0, DB2);
            lag(engine, at("2025-10-06T10:06:00Z"), 11, 90.0, DB2);
            assertThat(Actions.timeline(engine.output(), "replica-lag")).filteredOn(s -> s.startsWith("STOP_RAMP") || s.startsWith("RESOLVED"))
                    .containsExactly("STOP_RAMP@2025-10-06T10:05:00Z", "RESOLVED@2025-10-06T10:05:30Z", "STOP_RAMP@2025-10-06T10:11:00Z");
        }
    }

    @Test
    void eachSeriesHoldsItsOwnRun() {
        try (ReplayEngine engine = Engines.engine()) {
            for (int i = 0; i < 12; i++) {
                Instant t = at("2025-10-06T10:00:00Z").plusSeconds(30L * i);
                engine.send(metric(t, "TENANT_004", "pg_replica_lag_seconds", 72.0, Map.of("replica", "db-1")), 0, null);
                // db-2 alternates above and at the threshold: never 5 minutes in breach
                engine.send(metric(t, "TENANT_004", "pg_replica_lag_seconds", i % 2 == 0 ? 72.0 : 30.0, DB2), 0, null);
            }
            assertThat(Actions.of(engine.output(), "replica-lag")).extracting(a -> a.getScope()).containsOnly("pg_replica_lag_seconds{replica=\"db-1\"}");
        }
    }

    @Test
    void emitsTheValueAtTheEndOfEachMinute() {
        try (ReplayEngine engine = Engines.engine()) {
            engine.send(metric(at("2025-10-06T10:00:10Z"), "TENANT_004", "pg_replica_lag_seconds", 5.0, DB2), 0, null);
            engine.send(metric(at("2025-10-06T10:00:50Z"), "TENANT_004", "pg_replica_lag_seconds", 7.0, DB2), 0, null);
            engine.send(metric(at("2025-10-06T10:01:10Z"), "TENANT_004", "pg_replica_lag_seconds", 9.0, DB2), 0, null);
            assertThat(engine.output().signals()).containsExactly(
                    "{\"signal\":\"replica_lag_seconds\",\"tenant\":\"TENANT_004\",\"scope\":\"pg_replica_lag_seconds{replica=\\\"db-2\\\"}\",\"at\":\"2025-10-06T10:01:00Z\",\"value\":7.0}");
        }
    }
}
