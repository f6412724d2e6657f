package io.tripwire.engine.report;

import io.tripwire.engine.CanaryTraffic;
import io.tripwire.engine.Engines;
import io.tripwire.engine.replay.ReplayEngine;
import io.tripwire.engine.replay.ReplayOutput;
import org.apache.avro.specific.SpecificRecord;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static io.tripwire.engine.Events.at;
import static io.tripwire.engine.Events.autonomy;
import static io.tripwire.engine.Events.metric;
import static io.tripwire.engine.Events.override;
import static io.tripwire.engine.Events.policy;
import static io.tripwire.engine.Events.request;
import static io.tripwire.engine.Events.rollout;

/**
 * The report tests' replays through the real engine. {@link #incident}: a 40-minute incident on 2025-10-06:
 * <ul>
 *   <li>TENANT_004: READ p95 at 500 ms 10:00-10:15 (read-latency fires 10:11, resolves), a burst of
 *   503s 10:20-10:25 (one request in five) (burn rates and error budget fire, the ramp freezes), a rollout raise at 10:30
 *   (ramp-freeze rolls back), replica db-2 lagging 75 s 10:05-10:15 (replica-lag fires, resolves);</li>
 *   <li>TENANT_005: residency and purpose denies, an override, READ traffic at 200 ms;</li>
 *   <li>TENANT_001: ENACT autonomy decisions with 1% compensated and 1% HITL;</li>
 *   <li>a tenant whose name is hostile HTML, with a residency deny;</li>
 *   <li>two rejected lines, one with a hostile error text.</li>
 * </ul>
 * {@link #canary}: a canary rollout judged against its baseline (SPEC 3 "Canary judgement").
 */
final class ReportScenario {

    static final String HOSTILE_TENANT = "<script>alert(\"T&J's\")</script>";
    static final String HOSTILE_ERROR = "line 7: <img src=x onerror=alert(1)> & \"quoted\" 'single'";

    private ReportScenario() {
    }

    /**
     * The incident replayed with the shipped rules plus {@code sets} (e.g. {@code tripwires.read-latency.threshold=600}).
     * TENANT_001's pilot enacts with no simulation before: the incident's rules gate enactment elsewhere
     * ({@code unapproved-enact} off, as docs/tripwires.md allows), so its autonomy tripwires are the story.
     */
    static ReplayOutput incident(String... sets) {
        String[] all = java.util.Arrays.copyOf(sets, sets.length + 1);
        all[sets.length] = "tripwires.unapproved-enact.enabled=false";
        try (ReplayEngine engine = Engines.engine(all)) {
            engine.rejected(3, "bad-json", "line 3: not JSON", "{oops");
            engine.rejected(7, "missing-field", HOSTILE_ERROR, "{\"type\":\"request\"}");
            engine.sendAll(events());
            return engine.output();
        }
    }

    /**
     * TENANT_004's canary, built like CanarySpecTest's: a rollout step to 10% at 10:00 whose canary
     * serves READ 1.6x slower (canary-latency fires within minutes; its e-value runs past 1e300 to
     * infinity), then the fixed version at 25% from 10:30 for 40 minutes (the key resolves at the
     * step, starts afresh and passes). One service (api) and one op (READ): two canary keys.
     */
    static ReplayOutput canary() {
        Instant first = at("2025-10-06T10:00:00Z");
        Instant second = at("2025-10-06T10:30:00Z");
        List<SpecificRecord> e = new ArrayList<>();
        e.add(rollout(first, "TENANT_004", 10, 2));
        e.addAll(CanaryTraffic.healthy("TENANT_004", first, Duration.ofMinutes(30), 20, 0.10, 1).canary(0.0002, 192).requests());
        e.add(rollout(second, "TENANT_004", 25, 10));
        e.addAll(CanaryTraffic.healthy("TENANT_004", second, Duration.ofMinutes(40), 20, 0.25, 8).requests());
        e.sort(Comparator.comparing(r -> (Instant) r.get(r.getSchema().getField("ts").pos()))); // stable: the step before its requests
        try (ReplayEngine engine = Engines.engine()) {
            engine.sendAll(e);
            return engine.output();
        }
    }

    static List<SpecificRecord> events() {
        List<SpecificRecord> e = new ArrayList<>();
        Instant start = at("2025-10-06T10:00:00Z");
        for (int s = 0; s < 40 * 60; s++) {
            Instant t = start.plusSeconds(s);
            boolean slow = s < 15 * 60;
            boolean burst = s >= 20 * 60 && s < 25 * 60 && s % 5 == 0;
            e.add(request(t, "TENANT_004", "api", "READ", burst ? 503 : 200, slow ? 500 + (s % 7) * 10 : 110 + (s % 13) * 5));
            if (s % 2 == 0) {
                e.add(request(t, "TENANT_005", "api", "READ", 200, 180 + (s % 11) * 4));
            }
            if (s % 30 == 0) {
                double lag = s >= 5 * 60 && s < 15 * 60 ? 75 : 4 + (s % 90) / 30.0;
                e.add(metric(t, "TENANT_004", "pg_replica_lag_seconds", lag, Map.of("replica", "db-2")));
            }
            if (s % 8 == 0) {
                int op = s / 8;
                e.add(autonomy(t, "TENANT_001", "op-" + op, "ENACT", op % 100 == 50 ? "HITL_OVERRIDE" : "AUTONOMOUS"));
                if (op % 100 == 99) {
                    e.add(autonomy(t, "TENANT_001", "op-" + (op - 3), "ENACT", "COMPENSATED"));
                }
            }
        }
        e.add(rollout(at("2025-10-06T09:58:00Z"), "TENANT_004", 2, 0));
        e.add(rollout(at("2025-10-06T10:10:00Z"), "TENANT_004", 10, 2));
        e.add(rollout(at("2025-10-06T10:30:00Z"), "TENANT_004", 25, 10));
        e.add(policy(at("2025-10-06T10:07:00Z"), "TENANT_005", "ing-9", "DENY", "residency"));
        e.add(policy(at("2025-10-06T10:12:00Z"), "TENANT_005", "ing-12", "DENY", "purpose"));
        e.add(override(at("2025-10-06T10:20:00Z"), "TENANT_005", "residency-violation", "tok-1"));
        e.add(policy(at("2025-10-06T10:25:00Z"), "TENANT_005", "ing-25", "DENY", "residency"));
        e.add(policy(at("2025-10-06T10:18:00Z"), HOSTILE_TENANT, "op-<1>&", "DENY", "residency"));
        return e;
    }
}
