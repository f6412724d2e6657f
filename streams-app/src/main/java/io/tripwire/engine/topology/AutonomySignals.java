package io.tripwire.engine.topology;

import io.tripwire.engine.signals.Minutes;
import io.tripwire.engine.signals.RollingCounts;
import io.tripwire.engine.signals.Signal;
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
 * Signals of autonomy decisions, ENACT mode only: per tenant, counts [decided, autonomous,
 * compensated] over rolling windows, evaluated on every ENACT event. SIMULATE events never count.
 */
final class AutonomySignals {

    static final Duration RATE_WINDOW = Duration.ofHours(24);

    private final RollingCounts counts;
    private final Consumer<Signal> signals;
    private final Consumer<Object> tripwires;

    AutonomySignals(ProcessorContext<?, ?> ctx, List<Tripwire<?>> all, Consumer<Signal> signals, Consumer<Object> tripwires) {
        List<Duration> windows = new ArrayList<>(List.of(RATE_WINDOW));
        all.stream().filter(t -> t.input() == AutonomyWindow.class).forEach(t -> windows.addAll(t.windows()));
        this.counts = new RollingCounts(ctx.getStateStore(StoreNames.AUTONOMY_BUCKETS), ctx.getStateStore(StoreNames.AUTONOMY_SUMS), windows, 3);
        this.signals = signals;
        this.tripwires = tripwires;
    }

    void onDecision(String tenant, AutonomyDecision d, long ts, long clock) {
        if (d.getMode() != AutonomyMode.ENACT) {
            return;
        }
        Tally delta = switch (d.getOutcome()) {
            case AUTONOMOUS -> Tally.of(1, 1, 0);
            case HITL_OVERRIDE -> Tally.of(1, 0, 0);
            case COMPENSATED -> Tally.of(0, 0, 1);
        };
        RollingCounts.Update u = counts.add(tenant, Minutes.of(clock), Minutes.of(ts), delta);
        if (u.closedMinute() != null) {
            AutonomyWindow w = new AutonomyWindow(tenant, Minutes.start(u.closedMinute().head() + 1), u.closedMinute());
            signals.accept(new Signal("compensation_rate", tenant, AutonomyWindow.SCOPE, w.at(), w.compensationRate(RATE_WINDOW)));
            signals.accept(new Signal("autonomy_rate", tenant, AutonomyWindow.SCOPE, w.at(), w.autonomyRate(RATE_WINDOW)));
        }
        tripwires.accept(new AutonomyWindow(tenant, clock, u.now()));
    }
}
