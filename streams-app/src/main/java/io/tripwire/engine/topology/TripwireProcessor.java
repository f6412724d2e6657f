package io.tripwire.engine.topology;

import io.tripwire.engine.actions.ActionEmitter;
import io.tripwire.engine.rules.Rules;
import io.tripwire.engine.signals.Signal;
import io.tripwire.engine.signals.StoreKeys;
import io.tripwire.engine.tripwires.AutonomyWindow;
import io.tripwire.engine.tripwires.Decisions;
import io.tripwire.engine.tripwires.LatencyWindow;
import io.tripwire.engine.tripwires.RequestWindow;
import io.tripwire.engine.tripwires.Tripwire;
import io.tripwire.schemas.AutonomyDecision;
import io.tripwire.schemas.HumanOverride;
import io.tripwire.schemas.MetricSample;
import io.tripwire.schemas.PolicyDecision;
import io.tripwire.schemas.RequestLatency;
import io.tripwire.schemas.RolloutStep;
import org.apache.kafka.streams.processor.PunctuationType;
import io.tripwire.signing.ActionSigner;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The engine's one stateful step. Every input event of a tenant reaches it (the input topics are
 * co-partitioned by tenant), so cross-topic state (rollout steps, freezes, holds) lives in one task.
 * For each event: refuse it if late, update the signals it feeds, and evaluate the tripwires
 * listening to those signals. Outputs are action records and signal values.
 */
public final class TripwireProcessor implements Processor<String, SpecificRecord, String, Object> {

    private final Rules rules;
    private final List<Tripwire<?>> tripwires;
    private final ActionSigner signer;
    private final EngineObserver observer;
    private final Map<Class<?>, List<Tripwire<?>>> byInput = new HashMap<>();

    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, Long> clocks;
    private Decisions decisions;
    private RequestSignals requests;
    private CanarySignals canary;
    private Approvals approvals;
    private MetricSignals metrics;
    private AutonomySignals autonomy;

    public TripwireProcessor(Rules rules, List<Tripwire<?>> tripwires, ActionSigner signer, EngineObserver observer) {
        this.rules = rules;
        this.tripwires = tripwires;
        this.signer = signer;
        this.observer = observer;
        for (Tripwire<?> t : tripwires) {
            byInput.computeIfAbsent(t.input(), c -> new ArrayList<>()).add(t);
        }
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.clocks = context.getStateStore(StoreNames.TENANT_CLOCK);
        ActionEmitter emitter = new ActionEmitter(signer, context.getStateStore(StoreNames.TENANT_STATE),
                a -> {
                    context.forward(new Record<>(a.getTenant(), a, a.getFiredAt().toEpochMilli()));
                    observer.action(a);
                });
        this.decisions = new Decisions(context.getStateStore(StoreNames.TRIPWIRE_STATE), context.getStateStore(StoreNames.TENANT_STATE),
                context.getStateStore(StoreNames.CANARY_STATE), emitter, this::signal);
        this.canary = new CanarySignals(context, rules, tripwires, this::dispatch);
        this.approvals = new Approvals(context, rules, decisions);
        this.requests = new RequestSignals(context, rules, tripwires, this::signal, this::dispatch, canary.listener());
        this.metrics = new MetricSignals(context, tripwires, this::signal, observer);
        this.autonomy = new AutonomySignals(context, tripwires, this::signal, this::dispatch);
        Duration staleCheck = metrics.checkEvery();
        if (staleCheck != null) {
            // wall clock, not stream time: a silent series advances no stream time
            context.schedule(staleCheck, PunctuationType.WALL_CLOCK_TIME, now -> metrics.checkStale(now, decisions));
        }
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
        SpecificRecord event = record.value();
        if (event == null) {
            return; // a tombstone on an input topic carries no event
        }
        String tenant = (String) event.get(event.getSchema().getField("tenant").pos());
        long ts = ((Instant) event.get(event.getSchema().getField("ts").pos())).toEpochMilli();
        String clockKey = StoreKeys.of(tenant, event.getSchema().getName());
        Long previous = clocks.get(clockKey);
        long grace = rules.grace().toMillis();
        long wallClock = context.currentSystemTimeMs();
        if (ts > wallClock + rules.futureSkew().toMillis()) {
            throw new LateEventException("future", event.getSchema().getName() + " of " + tenant + " at " + Instant.ofEpochMilli(ts)
                    + " is more than " + rules.futureSkew() + " ahead of the wall clock " + Instant.ofEpochMilli(wallClock));
        }
        if (previous != null && ts < previous - grace) {
            throw new LateEventException("late", event.getSchema().getName() + " of " + tenant + " at " + Instant.ofEpochMilli(ts)
                    + " is older than its stream time " + Instant.ofEpochMilli(previous) + " minus grace " + rules.grace());
        }
        observer.accepted(event);
        long clock = previous == null ? ts : Math.max(previous, ts);
        if (previous == null || clock != previous) {
            clocks.put(clockKey, clock);
        }
        if (event instanceof RequestLatency r) {
            // the canary counts the request first (its histograms must not hold it when a window is derived)
            canary.onRequest(tenant, r, ts);
            requests.onRequest(tenant, r, ts, clock, previous == null ? Long.MIN_VALUE : previous);
            canary.close(tenant, clock, previous == null ? Long.MIN_VALUE : previous);
        } else if (event instanceof MetricSample m) {
            metrics.onSample(tenant, m, context.currentSystemTimeMs());
            dispatch(m);
        } else if (event instanceof AutonomyDecision a) {
            // the decision itself first (unapproved-enact: was an approval in force when the pilot acted?), then its windows
            dispatch(a);
            autonomy.onDecision(tenant, a, ts, clock);
        } else if (event instanceof PolicyDecision p) {
            observer.policyDecision(p);
            dispatch(p);
        } else if (event instanceof RolloutStep step) {
            int prior = decisions.tenant(tenant).stepPercent();
            int previousPercent = step.getPreviousPercent() != null ? step.getPreviousPercent() : prior;
            decisions.recordStep(tenant, step.getStepPercent(), previousPercent, step.getRegion());
            canary.onRollout(tenant, step, previousPercent);
            dispatch(step);
        } else if (event instanceof HumanOverride o) {
            decisions.approvedBy(approvals.admit(tenant, o, this::objection).approver()); // refused: an AUDIT_EVENT, then dead-lettered
            observer.override(o);
            try {
                for (Tripwire<?> t : tripwires) {
                    t.onOverride(o, decisions);
                }
            } finally {
                decisions.approvedBy(null);
            }
        } else {
            throw new IllegalArgumentException("not an input event: " + event.getSchema().getFullName());
        }
    }

    /** The first objection of a tripwire with the override's id to an otherwise valid override, or null. */
    private Tripwire.Refusal objection(HumanOverride o) {
        for (Tripwire<?> t : tripwires) {
            if (t.id().equals(o.getTripwire())) {
                Tripwire.Refusal r = t.refuseOverride(o, autonomy);
                if (r != null) {
                    return r;
                }
            }
        }
        return null;
    }

    private void signal(Signal s) {
        context.forward(new Record<>(s.tenant(), s, s.at()));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void dispatch(Object signal) {
        if (signal instanceof RequestWindow w) {
            observer.requestWindow(w);
        } else if (signal instanceof LatencyWindow w) {
            observer.latency(w);
        } else if (signal instanceof AutonomyWindow w) {
            observer.autonomy(w);
        }
        for (Tripwire t : byInput.getOrDefault(signal.getClass(), List.of())) {
            t.evaluate(signal, decisions);
        }
    }
}
