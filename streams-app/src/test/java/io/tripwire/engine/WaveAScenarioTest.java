package io.tripwire.engine;

import io.tripwire.engine.replay.FileReplay;
import io.tripwire.engine.replay.ReplayOutput;
import io.tripwire.schemas.ActionType;
import io.tripwire.schemas.TripwireAction;
import io.tripwire.signing.ActionSigner;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Wave A scenario of test-data/ (see test-data/README.md for the story) replayed from its file:
 * every firing SPEC section 3 defines for it, at its exact event time, and nothing else. Each
 * incident of the story fires its tripwire once; no key resolves and fires again.
 */
class WaveAScenarioTest {

    private static final Path WAVE_A = Path.of("..", "test-data", "wave-a.jsonl");

    /** Keys (tripwire, tenant, scope) that fired again within 5 minutes of a RESOLVED: a page-resolve-page. */
    static List<String> refiresWithinFiveMinutes(List<TripwireAction> actions) {
        Map<String, Instant> resolvedAt = new HashMap<>();
        List<String> flaps = new ArrayList<>();
        for (TripwireAction a : actions) {
            String key = a.getTripwire() + " " + a.getTenant() + " " + a.getScope();
            if (a.getAction() == ActionType.RESOLVED) {
                resolvedAt.put(key, a.getFiredAt());
            } else if (resolvedAt.containsKey(key) && a.getFiredAt().isBefore(resolvedAt.get(key).plus(Duration.ofMinutes(5)))) {
                flaps.add(key + " resolved " + resolvedAt.get(key) + ", fired again " + a.getFiredAt());
            }
        }
        return flaps;
    }

    @Test
    void replayOfWaveAGivesTheFiringsOfTheStory() throws Exception {
        // the stories' rules (test-data/story-rules.yaml): the shipped ones plus the approver of TENANT_005's override
        ReplayOutput out = FileReplay.run(WAVE_A, Engines.rules(),
                new ActionSigner(Engines.KEYS.getPrivate()), (phase, done, total) -> { });

        // SPEC 3 "Human approvals": the approval to enact before the simulation passed (09:30), the unsigned override
        // (10:21) and the reused approval (10:30) are refused
        assertThat(out.deadLetters()).extracting(d -> d.reason()).containsExactly("override-simulation-not-passed", "override-unsigned",
                "override-token-reused");
        assertThat(out.actions()).extracting(a -> a.getFiredAt() + " " + a.getTenant() + " " + a.getTripwire() + " " + a.getScope() + " " + a.getAction())
                .containsExactly(
                "2025-10-06T09:30:01Z TENANT_001 hitl-approval simulation-delta AUDIT_EVENT",
                "2025-10-06T10:09:00.400Z TENANT_003 error-budget ingest ROLLBACK_LAST_STEP",
                "2025-10-06T10:09:00.400Z TENANT_003 error-budget ingest FREEZE_RAMP",
                "2025-10-06T10:09:00.400Z TENANT_003 error-budget ingest OPEN_INCIDENT",
                "2025-10-06T10:15:00Z TENANT_005 residency-violation TENANT_005 ABORT_OP",
                "2025-10-06T10:15:00Z TENANT_005 residency-violation TENANT_005 AUDIT_EVENT",
                "2025-10-06T10:15:00Z TENANT_005 residency-violation TENANT_005 REQUIRE_HITL",
                "2025-10-06T10:15:00Z TENANT_004 cache-hit cache_hit_ratio{cache=\"api-read\"} ALERT",
                "2025-10-06T10:15:00Z TENANT_004 cache-hit cache_hit_ratio{cache=\"api-read\"} STOP_RAMP",
                "2025-10-06T10:17:00Z TENANT_004 cache-hit cache_hit_ratio{cache=\"api-read\"} RESOLVED",
                "2025-10-06T10:20:00Z TENANT_005 residency-violation TENANT_005 ABORT_OP",
                "2025-10-06T10:20:00Z TENANT_005 residency-violation TENANT_005 AUDIT_EVENT",
                "2025-10-06T10:21:00Z TENANT_005 hitl-approval residency-violation AUDIT_EVENT",
                "2025-10-06T10:22:02.776Z TENANT_004 error-budget api ROLLBACK_LAST_STEP",
                "2025-10-06T10:22:02.776Z TENANT_004 error-budget api FREEZE_RAMP",
                "2025-10-06T10:22:02.776Z TENANT_004 error-budget api OPEN_INCIDENT",
                "2025-10-06T10:25:00Z TENANT_005 residency-violation TENANT_005 RESOLVED",
                "2025-10-06T10:29:20.322Z TENANT_004 burn-rate-slow api ALERT",
                "2025-10-06T10:30:00Z TENANT_005 hitl-approval residency-violation AUDIT_EVENT",
                "2025-10-06T10:35:00Z TENANT_004 replica-lag pg_replica_lag_seconds{replica=\"db-2\"} STOP_RAMP",
                "2025-10-06T10:35:00Z TENANT_004 replica-lag pg_replica_lag_seconds{replica=\"db-2\"} FAILOVER_READ_REPLICAS",
                "2025-10-06T10:35:00Z TENANT_004 replica-lag pg_replica_lag_seconds{replica=\"db-2\"} QUEUE_WRITES",
                "2025-10-06T10:35:00Z TENANT_004 replica-lag pg_replica_lag_seconds{replica=\"db-2\"} NOTIFY_ONCALL",
                "2025-10-06T10:35:05Z TENANT_001 autonomy-compensation ENACT THROTTLE_AUTONOMY",
                "2025-10-06T10:35:05Z TENANT_001 autonomy-compensation ENACT ENTER_SIMULATE",
                "2025-10-06T10:36:00Z TENANT_004 read-latency READ ALERT",
                "2025-10-06T10:38:05Z TENANT_001 autonomy-rate ENACT ALERT",
                "2025-10-06T10:39:46.655Z TENANT_004 burn-rate-fast api ALERT",
                "2025-10-06T10:40:00Z TENANT_005 purpose-missing TENANT_005 ABORT_OP",
                "2025-10-06T10:40:00Z TENANT_005 purpose-missing TENANT_005 AUDIT_EVENT",
                "2025-10-06T10:40:00Z TENANT_004 ramp-freeze TENANT_004 ROLLBACK_LAST_STEP",
                "2025-10-06T10:43:42.002Z TENANT_003 ingest-errors ingest ALERT",
                "2025-10-06T10:45:00Z TENANT_004 replica-lag pg_replica_lag_seconds{replica=\"db-2\"} RESOLVED",
                "2025-10-06T10:45:00.500Z TENANT_003 unapproved-enact ENACT THROTTLE_AUTONOMY",
                "2025-10-06T10:45:00.500Z TENANT_003 unapproved-enact ENACT ENTER_SIMULATE",
                "2025-10-06T10:45:00.500Z TENANT_003 unapproved-enact ENACT AUDIT_EVENT",
                "2025-10-06T10:50:00Z TENANT_003 cost-budget cost_budget_used_ratio ALERT",
                "2025-10-06T10:55:00Z TENANT_004 read-latency READ RESOLVED");
        // TENANT_002's 8-minute cache dip (10:30-10:38) is too short for cache-hit's 10 minutes
        assertThat(out.actions()).noneMatch(a -> a.getTenant().equals("TENANT_002"));
        assertThat(refiresWithinFiveMinutes(out.actions())).isEmpty();
        // every windowed key fires at most once in the hour (policy denies and refused overrides fire per event, by design)
        assertThat(out.actions().stream().filter(a -> a.getAction() != ActionType.RESOLVED && !a.getTripwire().equals("residency-violation")
                        && !a.getTripwire().equals("purpose-missing") && !a.getTripwire().equals("hitl-approval"))
                .collect(java.util.stream.Collectors.groupingBy(a -> a.getTripwire() + " " + a.getTenant() + " " + a.getScope(),
                        java.util.stream.Collectors.mapping(TripwireAction::getDecisionId, java.util.stream.Collectors.toSet()))))
                .allSatisfy((key, decisions) -> assertThat(decisions).as(key).hasSize(1));
        assertThat(out.signals()).anyMatch(s -> s.contains("\"signal\":\"replica_lag_seconds\""))
                .anyMatch(s -> s.contains("\"signal\":\"compensation_rate\""))
                .anyMatch(s -> s.contains("\"signal\":\"autonomy_rate\""))
                .anyMatch(s -> s.contains("\"signal\":\"simulation_delta\",\"tenant\":\"TENANT_001\",\"scope\":\"SIMULATE\""))
                .anyMatch(s -> s.contains("\"signal\":\"latency_p99_ms\""))
                .anyMatch(s -> s.contains("\"signal\":\"error_budget_remaining\""))
                .anyMatch(s -> s.contains("\"signal\":\"burn_rate_1h\""))
                .anyMatch(s -> s.contains("\"signal\":\"cache_hit_ratio\",\"tenant\":\"TENANT_002\""))
                .anyMatch(s -> s.contains("\"signal\":\"cost_budget_used_ratio\""));
    }

    @Test
    void theMarginalCasesAreOnesThePlainEstimateWouldHaveActedOn() throws Exception {
        // TENANT_002's one 5xx among 191 requests, and TENANT_003's ingest burn rate hovering at 6 over its
        // first ten minutes: the guard ignores both; the plain estimate rolls TENANT_002 back and pages twice
        ReplayOutput plain = FileReplay.run(WAVE_A, Engines.rules(Engines.PLAIN),
                new ActionSigner(Engines.KEYS.getPrivate()), (phase, done, total) -> { });
        assertThat(plain.actions()).filteredOn(a -> a.getTenant().equals("TENANT_002"))
                .extracting(a -> a.getTripwire() + " " + a.getAction() + " " + a.getReason()).first().asString()
                .isEqualTo("error-budget ROLLBACK_LAST_STEP error budget remaining -4.236 < 0.6 over 24h (bad 1 / total 191)");
        assertThat(refiresWithinFiveMinutes(plain.actions())).isNotEmpty();
    }
}
