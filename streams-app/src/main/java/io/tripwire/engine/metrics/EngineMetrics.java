package io.tripwire.engine.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.tripwire.engine.rules.Rules;
import io.tripwire.engine.topology.DeadLetters;
import io.tripwire.engine.topology.EngineObserver;
import io.tripwire.engine.tripwires.AutonomyWindow;
import io.tripwire.engine.tripwires.LatencyWindow;
import io.tripwire.engine.tripwires.MetricThresholdTripwire;
import io.tripwire.engine.tripwires.RequestWindow;
import io.tripwire.observability.Health;
import io.tripwire.schemas.ActionType;
import io.tripwire.schemas.HumanOverride;
import io.tripwire.schemas.MetricSample;
import io.tripwire.schemas.PolicyDecision;
import io.tripwire.schemas.TripwireAction;
import io.tripwire.wire.DecodeException;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The engine's Prometheus metrics, fed by the {@link EngineObserver} hook, so each gauge shows the
 * number a tripwire decided on. Names, labels and the cardinality caps: {@code package-info} and
 * {@code docs/metrics.md}.
 *
 * <p>Wiring: create it before the engine, pass it to {@code TripwireEngine.start(..., observer)},
 * then {@link #bindTo(KafkaStreams)} the engine's streams; serve the registry and {@link #health()}
 * with {@code io.tripwire.observability.MetricsServer}. Creating it also subscribes it to the
 * engine's dead letters ({@link DeadLetters#onDeadLetter}, a JVM-wide hook: the last one created
 * counts); {@link #close()} unsubscribes it.
 */
public final class EngineMetrics implements EngineObserver, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EngineMetrics.class);

    /** Default cap on tenants with their own series. */
    public static final int DEFAULT_MAX_TENANTS = 1000;
    /** Cap on the values of each free-form label (service, series, policy × purpose, ...) per tenant. */
    public static final int MAX_VALUES_PER_LABEL = 64;
    /** Recorded processing latencies above this are replays of old data, not latency: skipped. */
    public static final Duration MAX_PROCESSING_LATENCY = Duration.ofHours(1);

    static final String LATENCY_P95 = "tripwire.latency.p95";
    static final String LATENCY_P99 = "tripwire.latency.p99";
    static final String BUDGET_REMAINING = "tripwire.error.budget.remaining";
    static final String BURN_RATE = "tripwire.burn.rate";
    static final String COMPENSATION_RATE = "tripwire.compensation.rate";
    static final String AUTONOMY_RATE = "tripwire.autonomy.rate";
    static final String SIMULATION_DELTA = "tripwire.simulation.delta";
    static final String RESIDENCY_HOLD = "tripwire.residency.hold.last.timestamp";
    static final String ACTIONS = "tripwire.actions";
    static final String HITL_OVERRIDES = "tripwire.hitl.overrides";
    static final String POLICY_DECISIONS = "tripwire.policy.decisions";
    static final String DEAD_LETTERS = "tripwire.dead.letters";
    static final String OTLP_SKIPPED = "tripwire.otlp.skipped";
    static final String LABEL_VALUES_DROPPED = "tripwire.label.values.dropped";
    static final String PROCESSING_LATENCY = "tripwire.processing.latency";
    static final String PROCESSING_LATENCY_SKIPPED = "tripwire.processing.latency.skipped";
    private static final Duration RATE_WINDOW = Duration.ofHours(24);

    private final MeterRegistry registry;
    private final Clock clock;
    private final TenantCap<TenantMeters> tenants;
    private final Map<String, String> sampleGauges;
    private final Map<String, Counter> deadLetters = new ConcurrentHashMap<>();
    private final Map<String, Counter> labelValuesDropped = new ConcurrentHashMap<>();
    private final Map<String, Counter> otlpSkipped = new ConcurrentHashMap<>();
    private final Timer processingLatency;
    private final Counter processingLatencySkipped;
    private final Set<String> failed = ConcurrentHashMap.newKeySet();
    private volatile KafkaStreams streams;
    private volatile KafkaStreamsMetrics streamsMetrics;

    /** With the default cap of {@value #DEFAULT_MAX_TENANTS} tenants. */
    public EngineMetrics(MeterRegistry registry, Rules rules) {
        this(registry, rules, DEFAULT_MAX_TENANTS);
    }

    /**
     * @param rules      the rules the engine runs: a watched metric's gauge is named after its rule's
     *                   {@code signal} ({@code replica_lag_seconds} → {@code tripwire_replica_lag_seconds})
     * @param maxTenants tenants with their own series, first come first served; 0 turns per-tenant series off
     */
    public EngineMetrics(MeterRegistry registry, Rules rules, int maxTenants) {
        this(registry, rules, maxTenants, Clock.systemUTC());
    }

    EngineMetrics(MeterRegistry registry, Rules rules, int maxTenants, Clock clock) {
        this.registry = registry;
        this.clock = clock;
        this.tenants = new TenantCap<>(registry, maxTenants,
                tenant -> new TenantMeters(registry, tenant, MAX_VALUES_PER_LABEL, this::labelValueDropped));
        this.sampleGauges = sampleGauges(rules);
        this.processingLatency = Timer.builder(PROCESSING_LATENCY)
                .description("Wall clock at emission minus the action's firedAt (event time): for live traffic, event to action")
                // buckets for histogram_quantile() (the dashboard's p50/p99). No publishPercentiles:
                // Prometheus' data model has no histogram with quantiles, so the registry would not expose them
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(MAX_PROCESSING_LATENCY)
                .register(registry);
        this.processingLatencySkipped = Counter.builder(PROCESSING_LATENCY_SKIPPED)
                .description("Actions not timed: firedAt in the future or more than 1h ago (a replay of old data)")
                .register(registry);
        // every reason at zero, so increase() sees the first dead letter of each
        deadLetterCounter("late");
        deadLetterCounter("processing-error");
        for (DecodeException.Reason r : DecodeException.Reason.values()) {
            deadLetterCounter(r.code());
        }
        for (String r : io.tripwire.engine.approvals.OverrideCheck.REASONS) {
            deadLetterCounter(r);
        }
        DeadLetters.onDeadLetter(this::deadLetter);
    }

    private static Map<String, String> sampleGauges(Rules rules) {
        Map<String, String> out = new HashMap<>();
        rules.tripwires().stream().filter(r -> r instanceof MetricThresholdTripwire.Rule)
                .map(r -> (MetricThresholdTripwire.Rule) r)
                .forEach(r -> out.putIfAbsent(r.metric(), "tripwire." + r.signal()));
        return Map.copyOf(out);
    }

    /** Binds the Kafka Streams client metrics ({@code kafka_*}) and makes {@link #health()} follow its state. */
    public synchronized void bindTo(KafkaStreams kafkaStreams) {
        if (streamsMetrics != null) {
            streamsMetrics.close();
        }
        streamsMetrics = new KafkaStreamsMetrics(kafkaStreams);
        streamsMetrics.bindTo(registry);
        streams = kafkaStreams;
    }

    /** Up when the bound Kafka Streams is RUNNING; down before {@link #bindTo} and in any other state. */
    public Health health() {
        KafkaStreams s = streams;
        if (s == null) {
            return Health.down("engine not started");
        }
        KafkaStreams.State state = s.state();
        return state == KafkaStreams.State.RUNNING ? Health.up(state.name()) : Health.down(state.name());
    }

    @Override
    public void skipped(String form, int n) {
        otlpSkipped.computeIfAbsent(form, f -> Counter.builder(OTLP_SKIPPED)
                .description("Parts of OTLP records that are not requests or read metrics (non-SERVER spans, other metrics), by form")
                .tag("form", f.toLowerCase(java.util.Locale.ROOT)).register(registry)).increment(n);
    }

    /** Counts one dead-lettered record (also called by the dead-letter hook). */
    public void deadLetter(String reason) {
        deadLetterCounter(reason).increment();
    }

    private Counter deadLetterCounter(String reason) {
        Counter c = deadLetters.get(reason);
        return c != null ? c : deadLetters.computeIfAbsent(reason, r -> Counter.builder(DEAD_LETTERS)
                .description("Input records sent to the dead-letter topic, by reason").tag("reason", r).register(registry));
    }

    private void labelValueDropped(String label) {
        labelValuesDropped.computeIfAbsent(label, l -> Counter.builder(LABEL_VALUES_DROPPED)
                .description("Observations not recorded: the tenant already had " + MAX_VALUES_PER_LABEL + " values of this label")
                .tag("label", l).register(registry)).increment();
    }

    @Override
    public void requestWindow(RequestWindow w) {
        try {
            TenantMeters t = tenants.get(w.tenant());
            TenantMeters.ServiceGauges g = t == null ? null : t.service(w);
            if (g != null) {
                g.update(w);
            }
        } catch (RuntimeException e) {
            failed("requestWindow", e);
        }
    }

    @Override
    public void latency(LatencyWindow w) {
        try {
            TenantMeters t = tenants.get(w.tenant());
            TenantMeters.LatencyGauges g = t == null ? null : t.op(w.op());
            if (g != null) {
                // an empty window has no percentile: NaN, which no alert threshold matches
                g.p95().set(w.percentiles() == null ? Double.NaN : w.percentiles().p95ms() / 1000.0);
                g.p99().set(w.percentiles() == null ? Double.NaN : w.percentiles().p99ms() / 1000.0);
            }
        } catch (RuntimeException e) {
            failed("latency", e);
        }
    }

    @Override
    public void autonomy(AutonomyWindow w) {
        try {
            TenantMeters t = tenants.get(w.tenant());
            if (t != null && w.mode() == io.tripwire.schemas.AutonomyMode.SIMULATE) {
                t.simulationDelta().set(w.compensationRate(RATE_WINDOW));
            } else if (t != null) {
                TenantMeters.AutonomyGauges g = t.autonomy();
                g.compensation().set(w.compensationRate(RATE_WINDOW));
                g.autonomy().set(w.autonomyRate(RATE_WINDOW));
            }
        } catch (RuntimeException e) {
            failed("autonomy", e);
        }
    }

    @Override
    public void metricSample(String series, MetricSample m) {
        try {
            String gauge = sampleGauges.get(m.getName());
            TenantMeters t = gauge == null ? null : tenants.get(m.getTenant());
            GaugeValue g = t == null ? null : t.sample(gauge, series);
            if (g != null) {
                g.set(m.getValue());
            }
        } catch (RuntimeException e) {
            failed("metricSample", e);
        }
    }

    @Override
    public void policyDecision(PolicyDecision p) {
        try {
            TenantMeters t = tenants.get(p.getTenant());
            Counter c = t == null ? null : t.policy(new TenantMeters.PolicyKey(p.getPolicy(), p.getDecision(),
                    p.getPurpose() == null ? "none" : p.getPurpose()));
            if (c != null) {
                c.increment();
            }
        } catch (RuntimeException e) {
            failed("policyDecision", e);
        }
    }

    @Override
    public void override(HumanOverride o) {
        try {
            // only tenant and tripwire: the approval token and the person stay out of metrics
            TenantMeters t = tenants.get(o.getTenant());
            Counter c = t == null ? null : t.override(o.getTripwire());
            if (c != null) {
                c.increment();
            }
        } catch (RuntimeException e) {
            failed("override", e);
        }
    }

    @Override
    public void action(TripwireAction a) {
        try {
            long firedAt = a.getFiredAt().toEpochMilli();
            long latency = clock.millis() - firedAt;
            if (latency < 0 || latency > MAX_PROCESSING_LATENCY.toMillis()) {
                processingLatencySkipped.increment();
            } else {
                processingLatency.record(Duration.ofMillis(latency));
            }
            TenantMeters t = tenants.get(a.getTenant());
            if (t == null) {
                return;
            }
            Counter c = t.action(new TenantMeters.ActionKey(a.getTripwire(), a.getAction()));
            if (c != null) {
                c.increment();
            }
            if (a.getAction() == ActionType.REQUIRE_HITL) {
                t.residencyHold().set(firedAt / 1000.0);
            }
        } catch (RuntimeException e) {
            failed("action", e);
        }
    }

    /** Tenants with their own series now. */
    public int tenantsTracked() {
        return tenants.admittedCount();
    }

    /** Unbinds the Kafka Streams metrics and the dead-letter hook; the registry keeps the other meters. */
    @Override
    public synchronized void close() {
        DeadLetters.onDeadLetter(reason -> { });
        if (streamsMetrics != null) {
            streamsMetrics.close();
            streamsMetrics = null;
        }
        streams = null;
    }

    /** The observer must never throw on the stream thread: a metrics bug logs once per call kind and is skipped. */
    private void failed(String what, RuntimeException e) {
        if (failed.add(what)) {
            LOG.warn("metrics: {} failed and was skipped (logged once): {}", what, e.toString());
        } else {
            LOG.debug("metrics: {} failed: {}", what, e.toString());
        }
    }
}
