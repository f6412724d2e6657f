package io.tripwire.engine;

import io.tripwire.engine.replay.ReplayEngine;
import io.tripwire.schemas.TripwireAction;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.tripwire.engine.Events.at;
import static io.tripwire.engine.Events.autonomy;
import static io.tripwire.engine.Events.metric;
import static io.tripwire.engine.Events.override;
import static io.tripwire.engine.Events.policy;
import static io.tripwire.engine.Events.request;
import static io.tripwire.engine.Events.rollout;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tenant isolation as a property: for random traffic of several tenants, arriving interleaved in a
 * random order (each event up to 20 s out of order, within the 30 s grace), every tenant gets
 * exactly the actions, ids included, it gets when its events are replayed alone.
 */
class TenantIsolationPropertyTest {

    /** An event and the moment it arrives (its ts plus a random delay). */
    private record Arrival(SpecificRecord event, long arrivesAt, long seq) {
    }

    private static List<Arrival> tenantTraffic(String tenant, Random r, long[] seq) {
        List<Arrival> out = new ArrayList<>();
        Instant t0 = at("2025-10-06T10:00:00Z");
        double errorRate = r.nextDouble() * 0.03;
        double slowFrom = 10 + r.nextInt(20);
        out.add(arrival(rollout(t0.minusSeconds(600), tenant, 10, 2), r, seq));
        for (int s = 0; s < 2400; s += 1 + r.nextInt(2)) {
            Instant ts = t0.plusSeconds(s).plusMillis(r.nextInt(1000));
            boolean slow = s / 60.0 > slowFrom && s / 60.0 < slowFrom + 12;
            out.add(arrival(request(ts, tenant, r.nextInt(4) == 0 ? "ingest" : "api", r.nextBoolean() ? "READ" : "WRITE",
                    r.nextDouble() < errorRate ? 503 : 200, (slow ? 500 : 80) * Math.exp(0.3 * r.nextGaussian())), r, seq));
            if (s % 15 == 0) {
                double lag = s / 60.0 > slowFrom && s / 60.0 < slowFrom + 8 ? 70 + r.nextInt(20) : r.nextInt(5);
                out.add(arrival(metric(ts, tenant, "pg_replica_lag_seconds", lag, Map.of("replica", "db-2")), r, seq));
            }
            if (s % 10 == 0) {
                String outcome = r.nextInt(150) == 0 ? "COMPENSATED" : r.nextInt(300) == 0 ? "HITL_OVERRIDE" : "AUTONOMOUS";
                out.add(arrival(autonomy(ts, tenant, "op-" + s, "ENACT", outcome), r, seq));
            }
            if (r.nextInt(400) == 0) {
                out.add(arrival(policy(ts, tenant, "pol-" + s, "DENY", r.nextBoolean() ? "residency" : "purpose"), r, seq));
            }
            if (r.nextInt(800) == 0) {
                out.add(arrival(override(ts, tenant, r.nextBoolean() ? "residency-violation" : "error-budget", "tok-" + s), r, seq));
            }
            if (s == 1800) {
                out.add(arrival(rollout(ts, tenant, 25, 10), r, seq));
            }
        }
        return out;
    }

    private static Arrival arrival(SpecificRecord e, Random r, long[] seq) {
        long ts = ((Instant) e.get(e.getSchema().getField("ts").pos())).toEpochMilli();
        return new Arrival(e, ts + r.nextInt(20_000), seq[0]++);
    }

    private static List<String> run(List<Arrival> arrivals) {
        List<Arrival> ordered = new ArrayList<>(arrivals);
        ordered.sort(Comparator.comparingLong(Arrival::arrivesAt).thenComparingLong(Arrival::seq));
        try (ReplayEngine engine = Engines.engine()) {
            for (Arrival a : ordered) {
                engine.send(a.event(), 0, null);
            }
            return engine.output().actions().stream().map(TenantIsolationPropertyTest::describe).toList();
        }
    }

    private static String describe(TripwireAction a) {
        return a.getTenant() + " " + a.getTripwire() + " " + a.getScope() + " " + a.getAction() + "@" + a.getFiredAt() + " " + a.getActionId();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void eachTenantGetsTheActionsItGetsAlone(long seed) {
        Random r = new Random(seed);
        long[] seq = {0};
        List<String> tenants = List.of("TENANT_A", "TENANT_B", "TENANT_C");
        List<List<Arrival>> traffic = new ArrayList<>();
        List<Arrival> all = new ArrayList<>();
        for (String t : tenants) {
            List<Arrival> mine = tenantTraffic(t, r, seq);
            traffic.add(mine);
            all.addAll(mine);
        }
        List<String> together = run(all);
        assertThat(together).as("seed %d fires something", seed).isNotEmpty();
        for (int i = 0; i < tenants.size(); i++) {
            String tenant = tenants.get(i);
            List<String> alone = run(traffic.get(i));
            assertThat(together.stream().filter(s -> s.startsWith(tenant + " ")).toList())
                    .as("seed %d, %s: interleaved vs alone", seed, tenant).isEqualTo(alone);
        }
    }
}
