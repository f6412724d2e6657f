package io.tripwire.engine.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tripwire.engine.Engines;
import io.tripwire.engine.signals.Percentiles;
import io.tripwire.engine.signals.Tally;
import io.tripwire.engine.signals.WindowSums;
import io.tripwire.engine.tripwires.AutonomyWindow;
import io.tripwire.engine.tripwires.LatencyWindow;
import io.tripwire.engine.tripwires.RequestWindow;
import io.tripwire.schemas.ActionType;
import io.tripwire.schemas.TripwireAction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static io.tripwire.engine.Events.at;
import static io.tripwire.engine.Events.metric;
import static io.tripwire.engine.Events.override;
import static io.tripwire.engine.Events.policy;
import static io.tripwire.engine.metrics.Scrape.value;
import static org.assertj.core.api.Assertions.assertThat;

class EngineMetricsTest {

    private static final Instant NOW = at("2025-10-06T11:07:00.250Z");
    /** Windows the default rules keep for requests: 24h, 6h, 1h, 30m, 5m. */
    private static final int[] REQUEST_WINDOWS = {1440, 360, 60, 30, 5};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private EngineMetrics metrics = new EngineMetrics(registry, Engines.rules(), 1000, Clock.fixed(NOW, ZoneOffset.UTC));

    @AfterEach
    void unhook() {
        metrics.close();
    }

    /** A request window whose windows (24h, 6h, 1h, 30m, 5m) hold {@code [total, bad]} each. */
    private static RequestWindow requests(String tenant, String service, long[]... totalBad) {
        Tally[] sums = new Tally[totalBad.length];
        for (int i = 0; i < sums.length; i++) {
            sums[i] = Tally.of(totalBad[i]);
        }
        return new RequestWindow(tenant, service, NOW.toEpochMilli(), 0.999, new WindowSums(0, REQUEST_WINDOWS, sums));
    }

    private static TripwireAction action(String tenant, String tripwire, ActionType type, Instant firedAt) {
        return TripwireAction.newBuilder().setActionId("a").setDecisionId("d").setTripwire(tripwire).setTenant(tenant)
                .setScope("api").setAction(type).setFiredAt(firedAt).setParams(Map.of()).setReason("r").setEvidence(Map.of())
                .setEvidenceId("e").setSignature(null).build();
    }

    @Test
    void exportsErrorBudgetAndBurnRatesOfEachWindowAsTheTripwiresComputeThem() {
        metrics.requestWindow(requests("TENANT_004", "api",
                new long[]{41200, 23}, new long[]{10000, 20}, new long[]{2000, 10}, new long[]{1000, 8}, new long[]{100, 5}));

        String s = registry.scrape();

        assertThat(value(s, "tripwire_error_budget_remaining{service=\"api\",tenant=\"TENANT_004\",window=\"24h\"}"))
                .isEqualTo(1.0 - (23.0 / 41200) / (1.0 - 0.999));
        assertThat(value(s, "tripwire_burn_rate{service=\"api\",tenant=\"TENANT_004\",window=\"6h\"}"))
                .isEqualTo((20.0 / 10000) / (1.0 - 0.999));
        assertThat(value(s, "tripwire_burn_rate{service=\"api\",tenant=\"TENANT_004\",window=\"1h\"}"))
                .isEqualTo((10.0 / 2000) / (1.0 - 0.999));
        assertThat(value(s, "tripwire_burn_rate{service=\"api\",tenant=\"TENANT_004\",window=\"30m\"}"))
                .isEqualTo((8.0 / 1000) / (1.0 - 0.999));
        assertThat(value(s, "tripwire_burn_rate{service=\"api\",tenant=\"TENANT_004\",window=\"5m\"}"))
                .isEqualTo((5.0 / 100) / (1.0 - 0.999));
    }

    @Test
    void gaugesShowTheLatestWindow() {
        metrics.requestWindow(requests("TENANT_004", "api", new long[]{100, 0}, new long[]{100, 0}, new long[]{100, 0},
                new long[]{100, 0}, new long[]{100, 0}));
        metrics.requestWindow(requests("TENANT_004", "api", new long[]{101, 1}, new long[]{101, 1}, new long[]{101, 1},
                new long[]{101, 1}, new long[]{101, 1}));

        assertThat(value(registry.scrape(), "tripwire_error_budget_remaining{service=\"api\",tenant=\"TENANT_004\",window=\"24h\"}"))
                .isEqualTo(1.0 - (1.0 / 101) / (1.0 - 0.999));
    }

    @Test
    void burnWindowsTheEngineDoesNotKeepHaveNoGaugeAndDoNotFail() {
        // rules without the slow burn-rate tripwire keep only 24h, 1h and 5m
        Tally t = Tally.of(100, 1);
        metrics.requestWindow(new RequestWindow("TENANT_004", "api", 0, 0.999,
                new WindowSums(0, new int[]{1440, 60, 5}, new Tally[]{t, t, t})));

        String s = registry.scrape();

        assertThat(value(s, "tripwire_burn_rate{service=\"api\",tenant=\"TENANT_004\",window=\"1h\"}")).isEqualTo((1.0 / 100) / (1.0 - 0.999));
        assertThat(s).doesNotContain("window=\"6h\"").doesNotContain("window=\"30m\"");
    }

    @Test
    void latencyGaugesAreInSecondsAndNaNForAnEmptyWindow() {
        metrics.latency(new LatencyWindow("TENANT_004", "READ", at("2025-10-06T10:05:00Z").toEpochMilli(), new Percentiles(400, 412.0, 980.5)));
        metrics.latency(new LatencyWindow("TENANT_004", "WRITE", at("2025-10-06T10:05:00Z").toEpochMilli(), null));

        String s = registry.scrape();

        assertThat(value(s, "tripwire_latency_p95_seconds{op=\"READ\",tenant=\"TENANT_004\"}")).isEqualTo(0.412);
        assertThat(value(s, "tripwire_latency_p99_seconds{op=\"READ\",tenant=\"TENANT_004\"}")).isEqualTo(0.9805);
        assertThat(value(s, "tripwire_latency_p95_seconds{op=\"WRITE\",tenant=\"TENANT_004\"}")).isNaN();
    }

    @Test
    void autonomyRatesOverTwentyFourHours() {
        metrics.autonomy(new AutonomyWindow("TENANT_001", io.tripwire.schemas.AutonomyMode.ENACT, 0,
                new WindowSums(0, new int[]{1440}, new Tally[]{Tally.of(1000, 998, 6)})));
        // the simulation's window sets only the simulation delta
        metrics.autonomy(new AutonomyWindow("TENANT_001", io.tripwire.schemas.AutonomyMode.SIMULATE, 0,
                new WindowSums(0, new int[]{1440}, new Tally[]{Tally.of(800, 800, 2)})));

        String s = registry.scrape();

        assertThat(value(s, "tripwire_compensation_rate{tenant=\"TENANT_001\"}")).isEqualTo(0.006);
        assertThat(value(s, "tripwire_autonomy_rate{tenant=\"TENANT_001\"}")).isEqualTo(0.998);
        assertThat(value(s, "tripwire_simulation_delta{tenant=\"TENANT_001\"}")).isEqualTo(0.0025);
    }

    @Test
    void replicaLagIsTheLastSampleOfEachWatchedSeriesNamedAfterTheRuleSignal() {
        metrics.metricSample("pg_replica_lag_seconds{replica=\"db-2\"}",
                metric(at("2025-10-06T10:00:00Z"), "TENANT_004", "pg_replica_lag_seconds", 50.0, Map.of("replica", "db-2")));
        metrics.metricSample("pg_replica_lag_seconds{replica=\"db-2\"}",
                metric(at("2025-10-06T10:00:30Z"), "TENANT_004", "pg_replica_lag_seconds", 72.0, Map.of("replica", "db-2")));
        metrics.metricSample("cache_hit_ratio", metric(at("2025-10-06T10:00:30Z"), "TENANT_004", "cache_hit_ratio", 0.9, Map.of()));
        metrics.metricSample("queue_depth", metric(at("2025-10-06T10:00:30Z"), "TENANT_004", "queue_depth", 12.0, Map.of()));

        String s = registry.scrape();

        assertThat(value(s, "tripwire_replica_lag_seconds{series=\"pg_replica_lag_seconds{replica=\\\"db-2\\\"}\",tenant=\"TENANT_004\"}"))
                .isEqualTo(72.0);
        // the cache-hit row watches cache_hit_ratio (issue 26); a metric no rule watches has no gauge
        assertThat(value(s, "tripwire_cache_hit_ratio{series=\"cache_hit_ratio\",tenant=\"TENANT_004\"}")).isEqualTo(0.9);
        assertThat(s).doesNotContain("queue_depth");
    }

    @Test
    void countsActionsByTripwireAndActionAndKeepsTheLastResidencyHold() {
        metrics.action(action("TENANT_004", "error-budget", ActionType.ROLLBACK_LAST_STEP, NOW.minusSeconds(1)));
        metrics.action(action("TENANT_005", "residency-violation", ActionType.REQUIRE_HITL, at("2025-10-06T10:00:00Z")));
        metrics.action(action("TENANT_005", "residency-violation", ActionType.RESOLVED, at("2025-10-06T10:05:00Z")));
        metrics.action(action("TENANT_005", "residency-violation", ActionType.REQUIRE_HITL, at("2025-10-06T11:00:00Z")));

        String s = registry.scrape();

        assertThat(value(s, "tripwire_actions_total{action=\"ROLLBACK_LAST_STEP\",tenant=\"TENANT_004\",tripwire=\"error-budget\"}")).isEqualTo(1.0);
        assertThat(value(s, "tripwire_actions_total{action=\"REQUIRE_HITL\",tenant=\"TENANT_005\",tripwire=\"residency-violation\"}")).isEqualTo(2.0);
        assertThat(value(s, "tripwire_actions_total{action=\"RESOLVED\",tenant=\"TENANT_005\",tripwire=\"residency-violation\"}")).isEqualTo(1.0);
        assertThat(value(s, "tripwire_residency_hold_last_timestamp_seconds{tenant=\"TENANT_005\"}"))
                .isEqualTo(at("2025-10-06T11:00:00Z").getEpochSecond());
        assertThat(s).doesNotContain("tripwire_residency_hold_last_timestamp_seconds{tenant=\"TENANT_004\"}");
    }

    @Test
    void countsPolicyDecisionsAndOverridesWithoutTokensOrPeople() {
        metrics.policyDecision(policy(at("2025-10-06T10:00:00Z"), "TENANT_005", "ing-9", "DENY", "residency"));
        metrics.policyDecision(policy(at("2025-10-06T10:00:01Z"), "TENANT_005", "ing-10", "DENY", "residency"));
        var noPurpose = policy(at("2025-10-06T10:00:02Z"), "TENANT_005", "ing-11", "ALLOW", "purpose");
        noPurpose.setPurpose(null);
        metrics.policyDecision(noPurpose);
        metrics.override(override(at("2025-10-06T10:05:00Z"), "TENANT_005", "residency-violation", "tok-secret-1"));

        String s = registry.scrape();

        assertThat(value(s, "tripwire_policy_decisions_total{decision=\"DENY\",policy=\"residency\",purpose=\"investigation\",tenant=\"TENANT_005\"}"))
                .isEqualTo(2.0);
        assertThat(value(s, "tripwire_policy_decisions_total{decision=\"ALLOW\",policy=\"purpose\",purpose=\"none\",tenant=\"TENANT_005\"}"))
                .isEqualTo(1.0);
        assertThat(value(s, "tripwire_hitl_overrides_total{tenant=\"TENANT_005\",tripwire=\"residency-violation\"}")).isEqualTo(1.0);
        assertThat(s).doesNotContain("tok-secret-1").doesNotContain("dpo@example.org").doesNotContain("ing-9");
    }

    @Test
    void deadLettersAreCountedByReasonWithEveryKnownReasonAtZero() {
        metrics.deadLetter("late");
        metrics.deadLetter("late");

        String s = registry.scrape();

        assertThat(value(s, "tripwire_dead_letters_total{reason=\"late\"}")).isEqualTo(2.0);
        assertThat(value(s, "tripwire_dead_letters_total{reason=\"bad-magic-byte\"}")).isEqualTo(0.0);
        assertThat(value(s, "tripwire_dead_letters_total{reason=\"unknown-schema-id\"}")).isEqualTo(0.0);
    }

    @Test
    void tenantsOverTheCapGetNoSeriesAndEachIsCountedOnceAsDropped() {
        metrics.close();
        metrics = new EngineMetrics(registry, Engines.rules(), 2, Clock.fixed(NOW, ZoneOffset.UTC));
        long[] w = {100, 1};
        for (int round = 0; round < 3; round++) {
            for (String tenant : new String[]{"TENANT_001", "TENANT_002", "TENANT_003"}) {
                metrics.requestWindow(requests(tenant, "api", w, w, w, w, w));
                metrics.action(action(tenant, "error-budget", ActionType.ROLLBACK_LAST_STEP, NOW));
            }
        }
        String afterThree = registry.scrape();
        metrics.requestWindow(requests("TENANT_004", "api", w, w, w, w, w));

        String s = registry.scrape();

        assertThat(afterThree).contains("tenant=\"TENANT_001\"").contains("tenant=\"TENANT_002\"").doesNotContain("TENANT_003");
        assertThat(value(afterThree, "tripwire_tenants_dropped_total")).isEqualTo(1.0);
        assertThat(value(afterThree, "tripwire_actions_total{action=\"ROLLBACK_LAST_STEP\",tenant=\"TENANT_001\",tripwire=\"error-budget\"}"))
                .isEqualTo(3.0);
        assertThat(s).doesNotContain("TENANT_004");
        assertThat(value(s, "tripwire_tenants_dropped_total")).isEqualTo(2.0);
        assertThat(metrics.tenantsTracked()).isEqualTo(2);
    }

    @Test
    void aTenantKeepsAtMost64ValuesOfAFreeFormLabel() {
        long[] w = {100, 1};
        for (int i = 0; i < EngineMetrics.MAX_VALUES_PER_LABEL + 2; i++) {
            metrics.requestWindow(requests("TENANT_004", "svc-" + i, w, w, w, w, w));
        }

        String s = registry.scrape();

        assertThat(s).contains("service=\"svc-63\"").doesNotContain("service=\"svc-64\"").doesNotContain("service=\"svc-65\"");
        assertThat(value(s, "tripwire_label_values_dropped_total{label=\"service\"}")).isEqualTo(2.0);
    }

    @Test
    void timesEventToActionAndSkipsReplaysOfOldDataAndFutureTimestamps() {
        metrics.action(action("TENANT_004", "error-budget", ActionType.ROLLBACK_LAST_STEP, NOW.minusMillis(250)));
        metrics.action(action("TENANT_004", "error-budget", ActionType.FREEZE_RAMP, NOW.minusMillis(1750)));
        metrics.action(action("TENANT_004", "error-budget", ActionType.OPEN_INCIDENT, NOW.minusSeconds(3601)));
        metrics.action(action("TENANT_004", "error-budget", ActionType.RESOLVED, NOW.plusSeconds(5)));

        String s = registry.scrape();

        assertThat(value(s, "tripwire_processing_latency_seconds_count")).isEqualTo(2.0);
        assertThat(value(s, "tripwire_processing_latency_seconds_sum")).isEqualTo(2.0);
        assertThat(value(s, "tripwire_processing_latency_seconds_max")).isEqualTo(1.75);
        assertThat(value(s, "tripwire_processing_latency_skipped_total")).isEqualTo(2.0);
        assertThat(s).contains("tripwire_processing_latency_seconds_bucket{le=\"+Inf\"} 2");
    }

    @Test
    void healthIsDownUntilBoundToAKafkaStreams() {
        assertThat(metrics.health().up()).isFalse();
        assertThat(metrics.health().detail()).isEqualTo("engine not started");
    }

    @Test
    void neverThrowsOnTheStreamThread() {
        // no 24h running sum: RequestWindow.budgetRemaining throws; the observer must not
        metrics.requestWindow(new RequestWindow("TENANT_004", "api", 0, 0.999,
                new WindowSums(0, new int[]{60}, new Tally[]{Tally.of(100, 1)})));
    }

    @Test
    void updatingExistingSeriesAllocatesNothing() {
        long[] w = {100, 1};
        RequestWindow r = requests("TENANT_004", "api", w, w, w, w, w);
        LatencyWindow l = new LatencyWindow("TENANT_004", "READ", 0, new Percentiles(400, 412.0, 980.5));
        var sample = metric(at("2025-10-06T10:00:00Z"), "TENANT_004", "pg_replica_lag_seconds", 72.0, Map.of("replica", "db-2"));
        String series = "pg_replica_lag_seconds{replica=\"db-2\"}";
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        for (int i = 0; i < 20_000; i++) { // creates the series, warms up
            metrics.requestWindow(r);
            metrics.latency(l);
            metrics.metricSample(series, sample);
        }

        long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < 100_000; i++) {
            metrics.requestWindow(r);
            metrics.latency(l);
            metrics.metricSample(series, sample);
        }
        long allocated = threads.getThreadAllocatedBytes(id) - before;

        // well under one byte per call: what is left is the measurement's own noise
        assertThat(allocated).isLessThan(100_000);
    }
}
