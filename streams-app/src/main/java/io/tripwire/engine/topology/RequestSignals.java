package io.tripwire.engine.topology;

import io.tripwire.engine.rules.Rules;
import io.tripwire.engine.rules.RulesException;
import io.tripwire.engine.signals.LatencyWindows;
import io.tripwire.engine.signals.Minutes;
import io.tripwire.engine.signals.RollingCounts;
import io.tripwire.engine.signals.Signal;
import io.tripwire.engine.signals.StoreKeys;
import io.tripwire.engine.signals.Tally;
import io.tripwire.engine.signals.WindowSums;
import io.tripwire.engine.tripwires.LatencyTripwire;
import io.tripwire.engine.tripwires.LatencyWindow;
import io.tripwire.engine.tripwires.RequestWindow;
import io.tripwire.engine.tripwires.Tripwire;
import io.tripwire.schemas.Op;
import io.tripwire.schemas.RequestLatency;
import org.apache.kafka.streams.processor.api.ProcessorContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The signals of request-latency events: request counts per tenant × service over rolling windows
 * (evaluated on every event) and latency percentiles per tenant × op (evaluated at each minute
 * boundary once stream time has passed it plus grace).
 */
final class RequestSignals {

    /** Windows every deployment keeps, for the signals of SPEC section 5. */
    static final Duration BUDGET_WINDOW = Duration.ofHours(24);
    static final Duration BURN_WINDOW = Duration.ofHours(1);
    static final Duration DEFAULT_LATENCY_WINDOW = Duration.ofMinutes(5);

    private final Rules rules;
    private final RollingCounts counts;
    private final LatencyWindows latency;
    private final Consumer<Signal> signals;
    private final Consumer<Object> tripwires;
    private final LatencyListener listener;

    /** Told each latency window's merged histogram (the canary judgement derives the baseline's from it). */
    @FunctionalInterface
    interface LatencyListener {
        void window(String tenant, String op, long boundaryMinute, org.HdrHistogram.Histogram merged);
    }

    RequestSignals(ProcessorContext<?, ?> ctx, Rules rules, List<Tripwire<?>> all, Consumer<Signal> signals, Consumer<Object> tripwires,
                   LatencyListener listener) {
        this.rules = rules;
        this.signals = signals;
        this.tripwires = tripwires;
        this.listener = listener;
        List<Duration> windows = new ArrayList<>(List.of(BUDGET_WINDOW, BURN_WINDOW));
        all.stream().filter(t -> t.input() == RequestWindow.class).forEach(t -> windows.addAll(t.windows()));
        this.counts = new RollingCounts(ctx.getStateStore(StoreNames.REQUEST_BUCKETS), ctx.getStateStore(StoreNames.REQUEST_SUMS), windows, 2);
        this.latency = new LatencyWindows(ctx.getStateStore(StoreNames.LATENCY_BUCKETS), ctx.getStateStore(StoreNames.LATENCY_CURSORS),
                Minutes.count(latencyWindow(all)), longestKeepFiringMinutes(all));
    }

    /** The one latency window all latency tripwires share (signals are computed once per minute). */
    static Duration latencyWindow(List<Tripwire<?>> all) {
        Set<Duration> windows = all.stream().filter(t -> t instanceof LatencyTripwire)
                .map(t -> ((LatencyTripwire) t).rule().window()).collect(Collectors.toCollection(TreeSet::new));
        if (windows.size() > 1) {
            throw new RulesException("latency tripwires must share one window (signals are computed once per minute), found " + windows);
        }
        return windows.isEmpty() ? DEFAULT_LATENCY_WINDOW : windows.iterator().next();
    }

    /** The longest keep-firing-for of the latency tripwires, in whole minutes (rounded up). */
    static int longestKeepFiringMinutes(List<Tripwire<?>> all) {
        long ms = all.stream().filter(t -> t instanceof LatencyTripwire).mapToLong(t -> t.rule().keepFiringFor().toMillis()).max().orElse(0);
        return (int) Math.min(Integer.MAX_VALUE, (ms + Minutes.MILLIS - 1) / Minutes.MILLIS);
    }

    void onRequest(String tenant, RequestLatency r, long ts, long clock, long previousClock) {
        String service = r.getService();
        boolean bad = r.getStatus() >= 500;
        double slo = rules.sloOf(service);
        RollingCounts.Update u = counts.add(StoreKeys.of(tenant, service), Minutes.of(clock), Minutes.of(ts), Tally.of(1, bad ? 1 : 0));
        if (u.closedMinute() != null) {
            minuteSignals(tenant, service, slo, u.closedMinute());
        }
        tripwires.accept(new RequestWindow(tenant, service, clock, slo, u.now()));

        latency.record(StoreKeys.of(tenant, r.getOp().name()), ts, r.getLatencyMs());
        long grace = rules.grace().toMillis();
        if (LatencyWindows.dueBoundary(clock, grace) > LatencyWindows.dueBoundary(previousClock, grace)) {
            for (Op op : Op.values()) {
                LatencyWindows.WindowHook hook = listener == null ? null : (b, merged) -> listener.window(tenant, op.name(), b, merged);
                for (LatencyWindows.Evaluation e : latency.due(StoreKeys.of(tenant, op.name()), clock, grace, hook)) {
                    if (e.percentiles() != null) {
                        signals.accept(new Signal("latency_p95_ms", tenant, op.name(), e.boundaryMillis(), e.percentiles().p95ms()));
                        signals.accept(new Signal("latency_p99_ms", tenant, op.name(), e.boundaryMillis(), e.percentiles().p99ms()));
                    }
                    tripwires.accept(new LatencyWindow(tenant, op.name(), e.boundaryMillis(), e.percentiles()));
                }
            }
        }
    }

    /** The value of the service's window signals at the end of the minute that just closed. */
    private void minuteSignals(String tenant, String service, double slo, WindowSums closed) {
        RequestWindow w = new RequestWindow(tenant, service, Minutes.start(closed.head() + 1), slo, closed);
        signals.accept(new Signal("error_budget_remaining", tenant, service, w.at(), w.budgetRemaining(BUDGET_WINDOW)));
        signals.accept(new Signal("burn_rate_1h", tenant, service, w.at(), w.burnRate(BURN_WINDOW)));
    }
}
