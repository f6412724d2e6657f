package io.tripwire.engine.topology;

import io.tripwire.engine.signals.Minutes;
import io.tripwire.engine.signals.RollingCounts;
import io.tripwire.engine.signals.Signal;
import io.tripwire.engine.signals.StoreKeys;
import io.tripwire.engine.signals.Tally;
import io.tripwire.engine.tripwires.AutonomyWindow;
import io.tripwire.engine.tripwires.Tripwire;
import io.tripwire.schemas.AutonomyDecision;
import io.tripwire.schemas.AutonomyMode;
import org.apache.kafka.streams.processor.api.ProcessorContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Signals of autonomy decisions, per tenant and mode: counts [decided, autonomous, compensated] over
 * rolling windows, evaluated on every decision of the mode. ENACT gives {@code compensation_rate} and
 * {@code autonomy_rate}; SIMULATE (the pilot's proposals beside production, SPEC 2) gives
 * {@code simulation_delta}, its compensated share. The two modes never mix.
 */
final class AutonomySignals implements Tripwire.SignalLookup {

    static final Duration RATE_WINDOW = Duration.ofHours(24);

    /**
     * Kept beyond the longest window so that an approval whose decisions' stream time has moved on
     * by up to this much (a backlog of decisions processed before it) still finds every minute of its window.
     */
    static final Duration APPROVAL_SLACK = Duration.ofHours(1);

    private final RollingCounts counts;
    private final Consumer<Signal> signals;
    private final Consumer<Object> tripwires;

    AutonomySignals(ProcessorContext<?, ?> ctx, List<Tripwire<?>> all, Consumer<Signal> signals, Consumer<Object> tripwires) {
        List<Duration> windows = new ArrayList<>(List.of(RATE_WINDOW));
        all.stream().filter(t -> t.input() == AutonomyWindow.class).forEach(t -> windows.addAll(t.windows()));
        windows.add(windows.stream().max(Duration::compareTo).orElseThrow().plus(APPROVAL_SLACK));
        this.counts = new RollingCounts(ctx.getStateStore(StoreNames.AUTONOMY_BUCKETS), ctx.getStateStore(StoreNames.AUTONOMY_SUMS), windows, 3);
        this.signals = signals;
        this.tripwires = tripwires;
    }

    /** The store key of a tenant's counts: the tenant for ENACT (as before SIMULATE was counted), tenant and mode for SIMULATE. */
    private static String key(String tenant, AutonomyMode mode) {
        return mode == AutonomyMode.ENACT ? tenant : StoreKeys.of(tenant, mode.name());
    }

    void onDecision(String tenant, AutonomyDecision d, long ts, long clock) {
        AutonomyMode mode = d.getMode();
        Tally delta = switch (d.getOutcome()) {
            case AUTONOMOUS -> Tally.of(1, 1, 0);
            case HITL_OVERRIDE -> Tally.of(1, 0, 0);
            case COMPENSATED -> Tally.of(0, 0, 1);
        };
        RollingCounts.Update u = counts.add(key(tenant, mode), Minutes.of(clock), Minutes.of(ts), delta);
        if (u.closedMinute() != null) {
            AutonomyWindow w = new AutonomyWindow(tenant, mode, Minutes.start(u.closedMinute().head() + 1), u.closedMinute());
            if (mode == AutonomyMode.ENACT) {
                signals.accept(new Signal("compensation_rate", tenant, w.scope(), w.at(), w.compensationRate(RATE_WINDOW)));
                signals.accept(new Signal("autonomy_rate", tenant, w.scope(), w.at(), w.autonomyRate(RATE_WINDOW)));
            } else {
                signals.accept(new Signal("simulation_delta", tenant, w.scope(), w.at(), w.compensationRate(RATE_WINDOW)));
            }
        }
        tripwires.accept(new AutonomyWindow(tenant, mode, clock, u.now()));
    }

    /**
     * The decisions of the whole minutes before the one of {@code ts}: what was recorded before the
     * approval's time, however far the decisions' stream has run ahead of the overrides' (cross-topic
     * order) and whatever else happens later in its own minute.
     */
    @Override
    public AutonomyWindow autonomy(String tenant, AutonomyMode mode, long ts) {
        return new AutonomyWindow(tenant, mode, ts, counts.before(key(tenant, mode), Minutes.of(ts)));
    }
}
