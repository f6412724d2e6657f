package io.tripwire.engine;

import io.tripwire.engine.replay.ReplayEngine;
import io.tripwire.engine.replay.ReplayOutput;
import io.tripwire.schemas.RequestLatency;
import io.tripwire.schemas.TripwireAction;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static io.tripwire.engine.Events.at;
import static io.tripwire.engine.Events.autonomy;
import static io.tripwire.engine.Events.metric;
import static io.tripwire.engine.Events.request;
import static io.tripwire.engine.Events.requests;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * SPEC section 3, "Significance": a ratio tripwire fires only when its estimate is past the
 * threshold x and the beta-binomial mixture e-value against "the true rate is x" reaches
 * 1/(1 − confidence) (20 at the default 0.95, prior strength 1000; 100 for the autonomy
 * tripwires); it resolves on the plain estimate; {@code keep-firing-for} delays resolving. The
 * expected e-values were computed from the definition with mpmath
 * (src/test/resources/significance/reference_evalues.py), not by the engine.
 */
class SignificanceSpecTest {

    private static final String TENANT = "TENANT_004";

    /** 1,000 good API requests, one every 100 ms from 10:00:00 (last at 10:01:39.900). */
    private static List<RequestLatency> thousandGood() {
        return requests(at("2025-10-06T10:00:00Z"), Duration.ofSeconds(100), 1000, TENANT, "api", "READ", 0, 80);
    }

    private static ReplayOutput run(Function<String[], ReplayEngine> engine, List<? extends org.apache.avro.specific.SpecificRecord> events,
                                    String... sets) {
        try (ReplayEngine e = engine.apply(sets)) {
            e.sendAll(events);
            return e.output();
        }
    }

    @Test
    void oneErrorAmongOneHundredNinetyOneRequestsDoesNotFire() {
        // given 190 good requests and one 5xx: the plain estimate 1/191 is past 0.0004 (remaining -4.2)
        List<RequestLatency> events = new ArrayList<>(requests(at("2025-10-06T10:00:00Z"), Duration.ofSeconds(190), 190, TENANT, "api", "READ", 0, 80));
        events.add(request(at("2025-10-06T10:03:20Z"), TENANT, "api", "READ", 503, 80));

        // then e = 2.2, far from 20: nothing fires
        assertThat(Actions.of(run(Engines::engine, events), "error-budget")).isEmpty();
        // while the plain estimate (the behaviour before the guard) rolls the tenant back
        assertThat(Actions.timeline(run(Engines::plain, events), "error-budget")).first().isEqualTo("ROLLBACK_LAST_STEP@2025-10-06T10:03:20Z");
    }

    @Test
    void aHealthyNewTenantIsNotRolledBackByTheStrayErrorsOfItsFirstRequests() {
        // given a new tenant (empty window) whose 118th and 119th requests fail: the fixed-n test re-checked
        // per request rolled it back at the first (1 of 118, p = 0.046); the e-values are 2.4 and 9.1
        List<RequestLatency> events = new ArrayList<>(requests(at("2025-10-06T10:00:00Z"), Duration.ofSeconds(117), 117, TENANT, "api", "READ", 0, 80));
        events.add(request(at("2025-10-06T10:01:57Z"), TENANT, "api", "READ", 503, 80));
        events.add(request(at("2025-10-06T10:01:58Z"), TENANT, "api", "READ", 503, 80));
        assertThat(Actions.of(run(Engines::engine, events), "error-budget")).isEmpty();

        // when a third arrives (3 of 120: e = 50): a real burn of 2.5% is acted on
        events.add(request(at("2025-10-06T10:01:59Z"), TENANT, "api", "READ", 503, 80));
        assertThat(Actions.timeline(run(Engines::engine, events), "error-budget")).first().isEqualTo("ROLLBACK_LAST_STEP@2025-10-06T10:01:59Z");
    }

    @Test
    void aRealBurnFiresOnceItsEValueReachesTwentyWithTheEvidenceOfTheTest() {
        List<RequestLatency> events = new ArrayList<>(thousandGood());
        // when 5xx arrive at 10:02:00, :03, :06, :09: e(3 of 1003) = 9.67, e(4 of 1004) = 41.9
        events.addAll(requests(at("2025-10-06T10:02:00Z"), Duration.ofSeconds(12), 4, TENANT, "api", "READ", 1, 80));

        List<TripwireAction> fired = Actions.of(run(Engines::engine, events), "error-budget");
        assertThat(Actions.timeline(run(Engines::engine, events), "error-budget")).containsExactly(
                "ROLLBACK_LAST_STEP@2025-10-06T10:02:09Z", "FREEZE_RAMP@2025-10-06T10:02:09Z", "OPEN_INCIDENT@2025-10-06T10:02:09Z");
        TripwireAction rollback = fired.get(0);
        assertThat(rollback.getReason()).isEqualTo(
                "error budget remaining -2.984 < 0.6 over 24h (bad 4 / total 1004; e = 41.9, p = 0.024 at 95% confidence)");
        assertThat(rollback.getEvidence()).containsEntry("bad", 4L).containsEntry("total", 1004L)
                .containsEntry("confidence", 0.95).containsEntry("priorStrength", 1000.0)
                .containsEntry("e", 41.92).containsEntry("p", 0.02386) // 41.9167 and 1/41.9167 to 4 significant digits
                // the estimate went past the threshold with the first error; the e-value reached 20 three errors later
                .containsEntry("pastSince", "2025-10-06T10:02:00Z");
    }

    @Test
    void aRatioHoveringAtItsThresholdFiresOnceAndResolvesOnce() {
        // given a real burn (5 errors in 1,005 requests) that fires
        List<RequestLatency> events = new ArrayList<>(thousandGood());
        events.addAll(requests(at("2025-10-06T10:02:00Z"), Duration.ofSeconds(5), 5, TENANT, "api", "READ", 1, 80));
        // when good traffic brings 5/n down to the threshold 0.0004 (n = 12,500), then one error at a time
        // lifts it just over again, three times: each lift is past the threshold, with e under 0.5
        Instant t = at("2025-10-06T10:03:00Z");
        int[] goodRuns = {11_600, 2_600, 2_600, 2_600};
        for (int run = 0; run < goodRuns.length; run++) {
            events.addAll(requests(t, Duration.ofMillis(100L * goodRuns[run]), goodRuns[run], TENANT, "api", "READ", 0, 80));
            t = t.plusMillis(100L * goodRuns[run]);
            if (run < goodRuns.length - 1) {
                events.add(request(t, TENANT, "api", "READ", 500, 80));
                t = t.plusMillis(100);
            }
        }

        // then the guard fires once and resolves once
        assertThat(Actions.timeline(run(Engines::engine, events), "error-budget"))
                .extracting(s -> s.substring(0, s.indexOf('@')))
                .containsExactly("ROLLBACK_LAST_STEP", "FREEZE_RAMP", "OPEN_INCIDENT", "RESOLVED");
        // where the plain estimate flaps: fire, resolve, fire, ... (four rollbacks)
        assertThat(Actions.of(run(Engines::plain, events), "error-budget"))
                .filteredOn(a -> a.getAction().toString().equals("ROLLBACK_LAST_STEP")).hasSize(4);
    }

    @Test
    void aBurnRateFiresOnlyWhenEveryWindowIsSignificant() {
        // given 2,000 good requests over 10:00-10:50, then 100 requests at 10:56 of which 31 fail:
        // the 5m window (31/100) and the 1h window (31/2100 = 0.0148 > 0.0144) are both past 14.4,
        // but the 1h window's e-value is 0.64 (ln e = -0.449)
        List<RequestLatency> events = new ArrayList<>(requests(at("2025-10-06T10:00:00Z"), Duration.ofMinutes(50), 2000, TENANT, "api", "READ", 0, 80));
        List<RequestLatency> burst = requests(at("2025-10-06T10:56:00Z"), Duration.ofSeconds(50), 100, TENANT, "api", "READ", 0, 80);
        for (int i = 0; i < 31; i++) {
            burst.set(i * 3, request(burst.get(i * 3).getTs(), TENANT, "api", "READ", 503, 80));
        }
        events.addAll(burst);

        assertThat(Actions.of(run(Engines::engine, events), "burn-rate-fast")).isEmpty();
        assertThat(Actions.timeline(run(Engines::plain, events), "burn-rate-fast")).first().asString().startsWith("ALERT@");
    }

    @Test
    void theHeldForRunOfIngestErrorsIsARunOfSignificantEvaluations() {
        List<RequestLatency> events = new ArrayList<>();
        // phase A: 200 ingest requests every 3 s from 10:00, every 10th failing: significant from the 100th (10:04:57)
        events.addAll(requests(at("2025-10-06T10:00:00Z"), Duration.ofMinutes(10), 200, TENANT, "ingest", "WRITE", 10, 40));
        // phase B: 3,000 good ones in 100 s: 20/n stays past 0.005, but from the 1,938th request (10:10:57.320)
        // e < 20: the run of significant evaluations breaks
        events.addAll(requests(at("2025-10-06T10:10:00Z"), Duration.ofSeconds(100), 3000, TENANT, "ingest", "WRITE", 0, 40));
        // phase C: every 3 s from 10:12, every 10th failing: significant for one request at 10:16:00 (29 of
        // 3,281), not at 10:16:03 (29 of 3,282), and from 10:16:30 on (30 of 3,291)
        events.addAll(requests(at("2025-10-06T10:12:00Z"), Duration.ofMinutes(30), 600, TENANT, "ingest", "WRITE", 10, 40));

        // then the guard fires 15 minutes after the last run began
        assertThat(Actions.timeline(run(Engines::engine, events), "ingest-errors")).containsExactly("ALERT@2025-10-06T10:31:30Z");
        // the plain estimate, past all along, fires 15 minutes after 10:04:57
        assertThat(Actions.timeline(run(Engines::plain, events), "ingest-errors")).containsExactly("ALERT@2025-10-06T10:19:57Z");
    }

    @Test
    void theBelowSideUsesTheLowerTailAndTheAutonomyPriorStrength() {
        // given 200 autonomous ENACT decisions and two HITL overrides: 200/202 = 0.990 < 0.999, e = 7.5
        // (prior strength 100, the shipped value for the autonomy tripwires)
        List<org.apache.avro.specific.SpecificRecord> events = new ArrayList<>();
        Instant t = at("2025-10-06T10:00:00Z");
        for (int i = 0; i < 200; i++) {
            events.add(autonomy(t.plusSeconds(i), "TENANT_001", "op-" + i, "ENACT", "AUTONOMOUS"));
        }
        events.add(autonomy(at("2025-10-06T10:04:00Z"), "TENANT_001", "op-h1", "ENACT", "HITL_OVERRIDE"));
        events.add(autonomy(at("2025-10-06T10:05:00Z"), "TENANT_001", "op-h2", "ENACT", "HITL_OVERRIDE"));
        assertThat(Actions.of(run(Engines::engine, events), "autonomy-rate")).isEmpty();

        // when a third human steps in: e(200 of 203 below 0.999) = 53.5
        events.add(autonomy(at("2025-10-06T10:06:00Z"), "TENANT_001", "op-h3", "ENACT", "HITL_OVERRIDE"));
        List<TripwireAction> fired = Actions.of(run(Engines::engine, events), "autonomy-rate");
        assertThat(fired).extracting(a -> a.getAction() + "@" + a.getFiredAt()).containsExactly("ALERT@2025-10-06T10:06:00Z");
        assertThat(fired.get(0).getEvidence()).containsEntry("e", 53.47).containsEntry("p", 0.0187).containsEntry("priorStrength", 100.0);
        assertThat(fired.get(0).getReason()).isEqualTo(
                "autonomous rate 0.9852 < 0.999 over 24h (200 / 203 decided ENACT ops; e = 53.5, p = 0.019 at 95% confidence)");
    }

    @Test
    void aTripwireMaySetItsOwnConfidence() {
        List<RequestLatency> events = new ArrayList<>(thousandGood());
        events.addAll(requests(at("2025-10-06T10:02:00Z"), Duration.ofSeconds(3), 3, TENANT, "api", "READ", 1, 80));
        // 3 errors in 1,003: e = 9.67, over 1/(1 - 0.85) = 6.7 but under 20
        assertThat(Actions.of(run(Engines::engine, events), "error-budget")).isEmpty();
        assertThat(Actions.timeline(run(Engines::engine, events, "tripwires.error-budget.confidence=0.85"), "error-budget"))
                .first().isEqualTo("ROLLBACK_LAST_STEP@2025-10-06T10:02:02Z");
        assertThat(Actions.of(run(Engines::engine, events, "confidence=0.85", "tripwires.error-budget.confidence=0.95"), "error-budget")).isEmpty();
    }

    @Test
    void aTripwireMaySetItsOwnPriorStrength() {
        // 100 good requests, then two errors: at prior strength 1000, 2 of 102 give e = 9.4; at 100, e = 63
        List<RequestLatency> events = new ArrayList<>(requests(at("2025-10-06T10:00:00Z"), Duration.ofSeconds(10), 100, TENANT, "api", "READ", 0, 80));
        events.add(request(at("2025-10-06T10:00:10Z"), TENANT, "api", "READ", 503, 80));
        events.add(request(at("2025-10-06T10:00:11Z"), TENANT, "api", "READ", 503, 80));
        assertThat(Actions.of(run(Engines::engine, events), "error-budget")).isEmpty();
        List<TripwireAction> fired = Actions.of(run(Engines::engine, events, "tripwires.error-budget.prior-strength=100"), "error-budget");
        assertThat(fired).first().satisfies(a -> {
            assertThat(a.getFiredAt()).isEqualTo(at("2025-10-06T10:00:11Z"));
            assertThat(a.getEvidence()).containsEntry("priorStrength", 100.0);
        });
        // the global key reaches every ratio tripwire that does not set its own
        assertThat(Actions.of(run(Engines::engine, events, "prior-strength=100"), "error-budget")).hasSize(3);
    }

    @Test
    void keepFiringForDelaysResolvingUntilTheResolveConditionHeldThatLong() {
        // replica-lag: every sample is an evaluation; over 60 s from 10:00 (held 5m: fires at 10:05), every 15 s
        List<org.apache.avro.specific.SpecificRecord> events = new ArrayList<>();
        Map<String, String> db2 = Map.of("replica", "db-2");
        Instant t = at("2025-10-06T10:00:00Z");
        for (int i = 0; i <= 20; i++) {
            events.add(metric(t.plusSeconds(15L * i), TENANT, "pg_replica_lag_seconds", 80, db2)); // to 10:05:00
        }
        // back under at 10:05:15; over once at 10:06:00 (the resolve run breaks); under from 10:06:15 on
        for (int i = 21; i <= 60; i++) {
            events.add(metric(t.plusSeconds(15L * i), TENANT, "pg_replica_lag_seconds", i == 24 ? 75 : 5, db2));
        }

        assertThat(Actions.timeline(run(Engines::engine, events), "replica-lag")).filteredOn(s -> s.startsWith("RESOLVED"))
                .containsExactly("RESOLVED@2025-10-06T10:05:15Z");
        List<String> kept = Actions.timeline(run(Engines::engine, events, "tripwires.replica-lag.keep-firing-for=2m"), "replica-lag");
        assertThat(kept).hasSize(5).filteredOn(s -> s.startsWith("RESOLVED")).containsExactly("RESOLVED@2025-10-06T10:08:15Z");
    }

    @Test
    void keepFiringForAppliesToRatioTripwiresToo() {
        // the burn of aRealBurnFires..., then good traffic: the estimate is back at 0.0004 at the 10,000th request
        List<RequestLatency> events = new ArrayList<>(thousandGood());
        events.addAll(requests(at("2025-10-06T10:02:00Z"), Duration.ofSeconds(12), 4, TENANT, "api", "READ", 1, 80));
        events.addAll(requests(at("2025-10-06T10:03:00Z"), Duration.ofMillis(100L * 18_000), 18_000, TENANT, "api", "READ", 0, 80));

        Instant resolvedAt = Actions.of(run(Engines::engine, events), "error-budget").get(3).getFiredAt();
        List<TripwireAction> kept = Actions.of(run(Engines::engine, events, "tripwires.error-budget.keep-firing-for=10m"), "error-budget");
        // the requests come every 100 ms, so the first evaluation 10 minutes on is exactly 10 minutes on
        assertThat(kept).extracting(a -> a.getAction() + "@" + a.getFiredAt()).last()
                .isEqualTo("RESOLVED@" + resolvedAt.plus(Duration.ofMinutes(10)));
        assertThat(kept).hasSize(4);
    }
}
