package io.tripwire.engine;

import io.tripwire.engine.replay.FileReplay;
import io.tripwire.engine.replay.ReplayOutput;
import io.tripwire.signing.ActionSigner;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Wave A scenario of test-data/ (see test-data/README.md for the story) replayed from its file:
 * every firing SPEC section 3 defines for it, at its exact event time, and nothing else.
 */
class WaveAScenarioTest {

    @Test
    void replayOfWaveAGivesTheFiringsOfTheStory() throws Exception {
        ReplayOutput out = FileReplay.run(Path.of("..", "test-data", "wave-a.jsonl"), Engines.rules(),
                new ActionSigner(Engines.KEYS.getPrivate()), (phase, done, total) -> { });

        assertThat(out.deadLetters()).isEmpty();
        assertThat(out.actions()).extracting(a -> a.getFiredAt() + " " + a.getTenant() + " " + a.getTripwire() + " " + a.getScope() + " " + a.getAction())
                .containsExactly(
                "2025-10-06T10:09:30.094Z TENANT_003 error-budget ingest ROLLBACK_LAST_STEP",
                "2025-10-06T10:09:30.094Z TENANT_003 error-budget ingest FREEZE_RAMP",
                "2025-10-06T10:09:30.094Z TENANT_003 error-budget ingest OPEN_INCIDENT",
                "2025-10-06T10:15:00Z TENANT_005 residency-violation TENANT_005 ABORT_OP",
                "2025-10-06T10:15:00Z TENANT_005 residency-violation TENANT_005 AUDIT_EVENT",
                "2025-10-06T10:15:00Z TENANT_005 residency-violation TENANT_005 REQUIRE_HITL",
                "2025-10-06T10:20:00Z TENANT_005 residency-violation TENANT_005 ABORT_OP",
                "2025-10-06T10:20:00Z TENANT_005 residency-violation TENANT_005 AUDIT_EVENT",
                "2025-10-06T10:20:56.113Z TENANT_004 error-budget api ROLLBACK_LAST_STEP",
                "2025-10-06T10:20:56.113Z TENANT_004 error-budget api FREEZE_RAMP",
                "2025-10-06T10:20:56.113Z TENANT_004 error-budget api OPEN_INCIDENT",
                "2025-10-06T10:24:28.259Z TENANT_004 burn-rate-slow api ALERT",
                "2025-10-06T10:24:58.187Z TENANT_004 burn-rate-slow api RESOLVED",
                "2025-10-06T10:25:00Z TENANT_005 residency-violation TENANT_005 RESOLVED",
                "2025-10-06T10:25:06.052Z TENANT_004 burn-rate-slow api ALERT",
                "2025-10-06T10:30:05Z TENANT_001 autonomy-compensation ENACT THROTTLE_AUTONOMY",
                "2025-10-06T10:30:05Z TENANT_001 autonomy-compensation ENACT ENTER_SIMULATE",
                "2025-10-06T10:31:12.317Z TENANT_004 burn-rate-fast api ALERT",
                "2025-10-06T10:31:14.395Z TENANT_004 burn-rate-fast api RESOLVED",
                "2025-10-06T10:31:28.167Z TENANT_004 burn-rate-fast api ALERT",
                "2025-10-06T10:35:00Z TENANT_004 replica-lag pg_replica_lag_seconds{replica=\"db-2\"} STOP_RAMP",
                "2025-10-06T10:35:00Z TENANT_004 replica-lag pg_replica_lag_seconds{replica=\"db-2\"} FAILOVER_READ_REPLICAS",
                "2025-10-06T10:35:00Z TENANT_004 replica-lag pg_replica_lag_seconds{replica=\"db-2\"} QUEUE_WRITES",
                "2025-10-06T10:35:00Z TENANT_004 replica-lag pg_replica_lag_seconds{replica=\"db-2\"} NOTIFY_ONCALL",
                "2025-10-06T10:35:05Z TENANT_001 autonomy-rate ENACT ALERT",
                "2025-10-06T10:36:00Z TENANT_004 read-latency READ ALERT",
                "2025-10-06T10:40:00Z TENANT_005 purpose-missing TENANT_005 ABORT_OP",
                "2025-10-06T10:40:00Z TENANT_005 purpose-missing TENANT_005 AUDIT_EVENT",
                "2025-10-06T10:40:00Z TENANT_004 ramp-freeze TENANT_004 ROLLBACK_LAST_STEP",
                "2025-10-06T10:40:12.861Z TENANT_003 ingest-errors ingest ALERT",
                "2025-10-06T10:45:00Z TENANT_004 replica-lag pg_replica_lag_seconds{replica=\"db-2\"} RESOLVED",
                "2025-10-06T10:55:00Z TENANT_004 read-latency READ RESOLVED");
        assertThat(out.actions()).noneMatch(a -> a.getTenant().equals("TENANT_002"));
        assertThat(out.signals()).anyMatch(s -> s.contains("\"signal\":\"replica_lag_seconds\""))
                .anyMatch(s -> s.contains("\"signal\":\"compensation_rate\""))
                .anyMatch(s -> s.contains("\"signal\":\"autonomy_rate\""))
                .anyMatch(s -> s.contains("\"signal\":\"latency_p99_ms\""))
                .anyMatch(s -> s.contains("\"signal\":\"error_budget_remaining\""))
                .anyMatch(s -> s.contains("\"signal\":\"burn_rate_1h\""));
    }
}
