package io.tripwire.engine.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.tripwire.engine.signals.Minutes;
import io.tripwire.engine.tripwires.RequestWindow;
import io.tripwire.schemas.ActionType;
import io.tripwire.schemas.PolicyVerdict;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One admitted tenant's series. Each free-form label (service, series, policy × purpose, override
 * tripwire, action) keeps at most {@code maxPerLabel} values for the tenant; an observation that
 * would add one more is not recorded and is reported to {@code overflow} with the label's name.
 * Lookups of existing series are a map get with the value in hand: no allocation on the hot paths
 * (requests, latency boundaries, metric samples).
 */
final class TenantMeters {

    static final Duration BUDGET_WINDOW = Duration.ofHours(24);
    /** The burn-rate windows of the default rules (fast: 1h and 5m; slow: 6h and 30m), label value first. */
    private static final String[] BURN_LABELS = {"1h", "5m", "6h", "30m"};
    private static final Duration[] BURN_WINDOWS = {Duration.ofHours(1), Duration.ofMinutes(5), Duration.ofHours(6), Duration.ofMinutes(30)};

    /** Error budget and burn rates of one service; a burn window the engine does not keep has no gauge (null). */
    static final class ServiceGauges {
        final GaugeValue budget;
        final GaugeValue[] burn = new GaugeValue[BURN_WINDOWS.length];

        ServiceGauges(GaugeValue budget) {
            this.budget = budget;
        }

        void update(RequestWindow w) {
            budget.set(w.budgetRemaining(BUDGET_WINDOW));
            for (int i = 0; i < burn.length; i++) {
                if (burn[i] != null) {
                    burn[i].set(w.burnRate(BURN_WINDOWS[i]));
                }
            }
        }
    }

    record LatencyGauges(GaugeValue p95, GaugeValue p99) {
    }

    record AutonomyGauges(GaugeValue compensation, GaugeValue autonomy) {
    }

    record ActionKey(String tripwire, ActionType action) {
    }

    record PolicyKey(String policy, PolicyVerdict decision, String purpose) {
    }

    private final MeterRegistry registry;
    private final String tenant;
    private final int maxPerLabel;
    private final Consumer<String> overflow;

    private final Map<String, ServiceGauges> services = new ConcurrentHashMap<>();
    private final Map<String, LatencyGauges> ops = new ConcurrentHashMap<>();
    private final Map<String, GaugeValue> samples = new ConcurrentHashMap<>();
    private final Map<ActionKey, Counter> actions = new ConcurrentHashMap<>();
    private final Map<PolicyKey, Counter> policies = new ConcurrentHashMap<>();
    private final Map<String, Counter> overrides = new ConcurrentHashMap<>();
    private volatile AutonomyGauges autonomy;
    private volatile GaugeValue simulationDelta;
    private volatile GaugeValue residencyHold;

    TenantMeters(MeterRegistry registry, String tenant, int maxPerLabel, Consumer<String> overflow) {
        this.registry = registry;
        this.tenant = tenant;
        this.maxPerLabel = maxPerLabel;
        this.overflow = overflow;
    }

    /** The service's gauges, created with the burn windows {@code w} keeps; null when over the cap. */
    ServiceGauges service(RequestWindow w) {
        ServiceGauges g = services.get(w.service());
        return g != null ? g : bounded(services, w.service(), "service", s -> newService(s, w));
    }

    LatencyGauges op(String op) {
        LatencyGauges g = ops.get(op);
        return g != null ? g : bounded(ops, op, "op", o -> new LatencyGauges(
                GaugeValue.register(registry, EngineMetrics.LATENCY_P95, "seconds",
                        "95th percentile latency over the latency window ending at the last evaluated minute boundary",
                        Tags.of("tenant", tenant, "op", o)),
                GaugeValue.register(registry, EngineMetrics.LATENCY_P99, "seconds",
                        "99th percentile latency over the latency window ending at the last evaluated minute boundary",
                        Tags.of("tenant", tenant, "op", o))));
    }

    /** The gauge of a watched series, named after the rule's signal; null when over the cap. */
    GaugeValue sample(String gaugeName, String series) {
        GaugeValue g = samples.get(series);
        return g != null ? g : bounded(samples, series, "series", s -> GaugeValue.register(registry, gaugeName, null,
                "Last sample of a watched metric series, as the metric-threshold tripwire saw it", Tags.of("tenant", tenant, "series", s)));
    }

    AutonomyGauges autonomy() {
        AutonomyGauges g = autonomy;
        if (g == null) {
            synchronized (this) {
                if (autonomy == null) {
                    autonomy = new AutonomyGauges(
                            GaugeValue.register(registry, EngineMetrics.COMPENSATION_RATE, null,
                                    "COMPENSATED / decided ENACT-mode ops over the rolling 24h", Tags.of("tenant", tenant)),
                            GaugeValue.register(registry, EngineMetrics.AUTONOMY_RATE, null,
                                    "AUTONOMOUS / decided ENACT-mode ops over the rolling 24h", Tags.of("tenant", tenant)));
                }
                g = autonomy;
            }
        }
        return g;
    }

    GaugeValue simulationDelta() {
        GaugeValue g = simulationDelta;
        if (g == null) {
            synchronized (this) {
                if (simulationDelta == null) {
                    simulationDelta = GaugeValue.register(registry, EngineMetrics.SIMULATION_DELTA, null,
                            "COMPENSATED / decided SIMULATE-mode ops over the rolling 24h: the autonomy pilot's simulation delta",
                            Tags.of("tenant", tenant));
                }
                g = simulationDelta;
            }
        }
        return g;
    }

    GaugeValue residencyHold() {
        GaugeValue g = residencyHold;
        if (g == null) {
            synchronized (this) {
                if (residencyHold == null) {
                    residencyHold = GaugeValue.register(registry, EngineMetrics.RESIDENCY_HOLD, "seconds",
                            "Event time of the last REQUIRE_HITL action (residency hold), Unix seconds", Tags.of("tenant", tenant));
                }
                g = residencyHold;
            }
        }
        return g;
    }

    Counter action(ActionKey k) {
        Counter c = actions.get(k);
        return c != null ? c : bounded(actions, k, "action", key -> Counter.builder(EngineMetrics.ACTIONS)
                .description("Action records emitted, RESOLVED included")
                .tags("tenant", tenant, "tripwire", key.tripwire(), "action", key.action().name()).register(registry));
    }

    Counter policy(PolicyKey k) {
        Counter c = policies.get(k);
        return c != null ? c : bounded(policies, k, "policy", key -> Counter.builder(EngineMetrics.POLICY_DECISIONS)
                .description("Policy decisions seen (ALLOW and DENY)")
                .tags("tenant", tenant, "policy", key.policy(), "decision", key.decision().name(), "purpose", key.purpose())
                .register(registry));
    }

    Counter override(String tripwire) {
        Counter c = overrides.get(tripwire);
        return c != null ? c : bounded(overrides, tripwire, "override", t -> Counter.builder(EngineMetrics.HITL_OVERRIDES)
                .description("Human (HITL) overrides seen").tags("tenant", tenant, "tripwire", t).register(registry));
    }

    private ServiceGauges newService(String service, RequestWindow w) {
        Tags tags = Tags.of("tenant", tenant, "service", service);
        ServiceGauges g = new ServiceGauges(GaugeValue.register(registry, EngineMetrics.BUDGET_REMAINING, null,
                "Error budget remaining over the rolling window: 1 - (bad/total)/(1 - SLO)", tags.and("window", "24h")));
        for (int i = 0; i < BURN_WINDOWS.length; i++) {
            if (kept(w, BURN_WINDOWS[i])) {
                g.burn[i] = GaugeValue.register(registry, EngineMetrics.BURN_RATE, null,
                        "Error budget burn rate over the rolling window: (bad/total)/(1 - SLO)", tags.and("window", BURN_LABELS[i]));
            }
        }
        return g;
    }

    private static boolean kept(RequestWindow w, Duration d) {
        int minutes = Minutes.count(d);
        for (int m : w.sums().minutes()) {
            if (m == minutes) {
                return true;
            }
        }
        return false;
    }

    /** Slow path: creates the series unless the tenant already has {@code maxPerLabel} values of the label. */
    private synchronized <K, V> V bounded(Map<K, V> map, K key, String label, Function<K, V> create) {
        V v = map.get(key);
        if (v != null) {
            return v;
        }
        if (map.size() >= maxPerLabel) {
            overflow.accept(label);
            return null;
        }
        v = create.apply(key);
        map.put(key, v);
        return v;
    }
}
