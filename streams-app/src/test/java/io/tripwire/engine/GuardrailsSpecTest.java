package io.tripwire.engine;

import io.tripwire.engine.replay.ReplayEngine;
import io.tripwire.schemas.TripwireAction;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.tripwire.engine.Events.at;
import static io.tripwire.engine.Events.metric;
import static io.tripwire.engine.Events.request;
import static io.tripwire.engine.Events.rollout;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packet's remaining guardrails (issue 26; SPEC 3): {@code cache-hit} (cache_hit_ratio &lt; 0.92
 * held for 10m: ALERT warning, STOP_RAMP; a metric-threshold row with {@code direction: below}),
 * {@code cost-budget} (cost_budget_used_ratio &gt; 0.80: ALERT warning), and ROLLBACK_LAST_STEP naming
 * the region of the tenant's last step.
 */
class GuardrailsSpecTest {

    private static final String T = "TENANT_004";

    /** One cache_hit_ratio sample every 30 s: {@code n} at {@code value} from {@code from}. */
    private static List<SpecificRecord> cache(Instant from, int n, double value) {
        List<SpecificRecord> e = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            e.add(metric(from.plusSeconds(30L * i), T, "cache_hit_ratio", value, Map.of("node", "cache-1")));
        }
        return e;
    }

    private static List<TripwireAction> run(List<SpecificRecord> events, String tripwire) {
        try (ReplayEngine engine = Engines.engine()) {
            engine.sendAll(events);
            return Actions.of(engine.output(), tripwire);
        }
    }

    private static List<String> timeline(List<TripwireAction> actions) {
        return actions.stream().map(a -> a.getAction() + "@" + a.getFiredAt()).toList();
    }

    @Test
    void aCacheHitRatioUnderTheTargetForTwelveMinutesFiresOnceAndResolvesOnce() {
        List<SpecificRecord> e = new ArrayList<>(cache(at("2025-10-06T10:00:00Z"), 10, 0.97));
        e.addAll(cache(at("2025-10-06T10:05:00Z"), 24, 0.88)); // 10:05:00 .. 10:16:30: 12 minutes under 0.92
        e.addAll(cache(at("2025-10-06T10:17:00Z"), 10, 0.95));

        List<TripwireAction> fired = run(e, "cache-hit");

        assertThat(timeline(fired)).containsExactly("ALERT@2025-10-06T10:15:00Z", "STOP_RAMP@2025-10-06T10:15:00Z", "RESOLVED@2025-10-06T10:17:00Z");
        assertThat(fired.get(0).getParams()).containsEntry("severity", "warning");
        assertThat(fired.get(0).getScope()).isEqualTo("cache_hit_ratio{node=\"cache-1\"}");
        assertThat(fired.get(0).getReason()).isEqualTo("cache_hit_ratio{node=\"cache-1\"} = 0.88 < 0.92 held for 10m");
        assertThat(fired.get(0).getEvidence()).containsEntry("direction", "below").containsEntry("breachSince", "2025-10-06T10:05:00Z");
    }

    @Test
    void aDipOfEightMinutesFiresNothingAndASampleAtTheTargetEndsTheRun() {
        List<SpecificRecord> e = new ArrayList<>(cache(at("2025-10-06T10:00:00Z"), 16, 0.90)); // 10:00:00 .. 10:07:30
        e.addAll(cache(at("2025-10-06T10:08:00Z"), 4, 0.96));
        assertThat(run(e, "cache-hit")).isEmpty();

        // at 0.92 exactly the ratio meets the target: a new run starts after it
        List<SpecificRecord> broken = new ArrayList<>(cache(at("2025-10-06T10:00:00Z"), 18, 0.90)); // .. 10:08:30
        broken.addAll(cache(at("2025-10-06T10:09:00Z"), 1, 0.92));
        broken.addAll(cache(at("2025-10-06T10:09:30Z"), 20, 0.90)); // .. 10:19:00: ten minutes from 10:09:30 is 10:19:30
        assertThat(run(broken, "cache-hit")).isEmpty();
        broken.addAll(cache(at("2025-10-06T10:19:30Z"), 1, 0.90));
        assertThat(timeline(run(broken, "cache-hit"))).first().isEqualTo("ALERT@2025-10-06T10:19:30Z");
    }

    @Test
    void aCostRatioOverEightyPercentFiresCostBudgetOnce() {
        List<SpecificRecord> e = new ArrayList<>();
        double[] used = {0.62, 0.71, 0.80, 0.83, 0.86, 0.91};
        for (int i = 0; i < used.length; i++) {
            e.add(metric(at("2025-10-06T10:00:00Z").plusSeconds(600L * i), T, "cost_budget_used_ratio", used[i], Map.of()));
        }
        List<TripwireAction> fired = run(e, "cost-budget");
        // 0.80 itself is at the alert line, not over it; from 0.83 on it fires once and stays firing
        assertThat(timeline(fired)).containsExactly("ALERT@2025-10-06T10:30:00Z");
        assertThat(fired.get(0).getParams()).containsEntry("severity", "warning");
        assertThat(fired.get(0).getReason()).isEqualTo("cost_budget_used_ratio = 0.83 > 0.8");
    }

    @Test
    void anErrorBudgetRollbackNamesTheRegionOfTheTenantsLastStep() {
        // two regions ramp the same tenant; the last step before the burn is us-east-1's
        List<SpecificRecord> e = new ArrayList<>();
        e.add(regionStep(at("2025-10-06T09:00:00Z"), 10, 2, "eu-west-1"));
        e.add(regionStep(at("2025-10-06T09:30:00Z"), 25, 10, "us-east-1"));
        for (int i = 0; i < 1000; i++) {
            e.add(request(at("2025-10-06T10:00:00Z").plusMillis(600L * i), T, "api", "READ", i % 20 == 19 ? 503 : 200, 80));
        }
        List<TripwireAction> rollback = run(e, "error-budget").stream().filter(a -> a.getAction().name().equals("ROLLBACK_LAST_STEP")).toList();
        assertThat(rollback).singleElement().satisfies(a -> assertThat(a.getParams()).containsEntry("to", "10").containsEntry("region", "us-east-1"));

        // a step that names no region gives a rollback with no region
        List<SpecificRecord> plain = new ArrayList<>(e.subList(2, e.size()));
        plain.add(0, regionStep(at("2025-10-06T09:00:00Z"), 10, 2, null));
        assertThat(run(plain, "error-budget")).filteredOn(a -> a.getAction().name().equals("ROLLBACK_LAST_STEP"))
                .singleElement().satisfies(a -> assertThat(a.getParams()).containsEntry("to", "2").doesNotContainKey("region"));
    }

    @Test
    void aRaiseWhileFrozenIsRolledBackInItsOwnRegion() {
        List<SpecificRecord> e = new ArrayList<>();
        e.add(regionStep(at("2025-10-06T09:00:00Z"), 10, 2, "eu-west-1"));
        for (int i = 0; i < 1000; i++) {
            e.add(request(at("2025-10-06T10:00:00Z").plusMillis(600L * i), T, "api", "READ", i % 20 == 19 ? 503 : 200, 80));
        }
        e.add(regionStep(at("2025-10-06T10:30:00Z"), 25, 10, "us-east-1")); // frozen since the error budget fired
        List<TripwireAction> rolled = run(e, "ramp-freeze");
        assertThat(rolled).singleElement().satisfies(a -> assertThat(a.getParams()).containsEntry("to", "10").containsEntry("region", "us-east-1"));
    }

    private static io.tripwire.schemas.RolloutStep regionStep(Instant ts, int step, int previous, String region) {
        return io.tripwire.schemas.RolloutStep.newBuilder(rollout(ts, T, step, previous)).setRegion(region).build();
    }
}
