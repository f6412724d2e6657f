package io.tripwire.engine.replay;

import io.tripwire.engine.rules.Rules;
import io.tripwire.engine.signals.Signal;
import io.tripwire.engine.topology.DeadLetters;
import io.tripwire.engine.topology.EngineObserver;
import io.tripwire.engine.topology.TripwireProcessor;
import io.tripwire.engine.topology.TripwireTopology;
import io.tripwire.schemas.TripwireAction;
import io.tripwire.signing.ActionSigner;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Runs the engine's {@link TripwireProcessor} and its state stores (the same builders as the live
 * topology, changelogs off) through Kafka Streams' {@link MockProcessorContext}: each event is one
 * {@code process} call, and what the processor forwards is its output. No serialization, no record
 * queue, no per-record driver work, which is most of what {@link TopologyDriver} costs.
 *
 * <p>What the live topology adds around the processor is reproduced here: input validation (by
 * {@link ReplayEngine}, as the input deserializer does), the processing exception handler (an
 * exception from {@code process} refuses the event with {@link DeadLetters#reason}), and the split
 * of outputs into actions and signals. {@code ReplayDriversTest} checks that both drivers give the
 * same outputs, and the reliability ITs that file replay gives what the live engine commits.
 */
final class DirectDriver implements ReplayDriver {

    private final MockProcessorContext<String, Object> context;
    private final TripwireProcessor processor;
    private final Map<MockProcessorContext.CapturedPunctuator, Long> nextWallClockPunctuation = new HashMap<>();
    private long wallClock;

    DirectDriver(Rules rules, ActionSigner signer, long wallClockStart) {
        Properties config = new Properties();
        // as the live engine sets it (StreamsSettings); without it every StreamsConfig made here logs a warning
        config.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        context = new MockProcessorContext<>(config);
        wallClock = wallClockStart;
        context.setCurrentSystemTimeMs(wallClock);
        for (StoreBuilder<KeyValueStore<String, ?>> b : TripwireTopology.stores()) {
            KeyValueStore<String, ?> store = b.withLoggingDisabled().build();
            store.init(context.getStateStoreContext(), store);
            context.addStateStore(store);
        }
        processor = TripwireTopology.processor(rules, signer, EngineObserver.NONE);
        processor.init(context);
        for (MockProcessorContext.CapturedPunctuator p : context.scheduledPunctuators()) {
            if (p.getType() == PunctuationType.WALL_CLOCK_TIME) {
                nextWallClockPunctuation.put(p, wallClock + p.getInterval().toMillis());
            }
        }
    }

    @Override
    public void process(String tenant, SpecificRecord event, long timestamp, Outputs out) {
        context.resetForwards();
        RuntimeException refused = null;
        try {
            processor.process(new Record<>(tenant, event, timestamp));
        } catch (RuntimeException e) {
            refused = e; // what the forwarded records before it were still are outputs, as on a topic
        }
        deliver(context.forwarded(), out);
        if (refused != null) {
            out.refused(DeadLetters.reason(refused), refused.getMessage());
        }
    }

    private static void deliver(List<? extends MockProcessorContext.CapturedForward<?, ?>> forwarded, Outputs out) {
        for (MockProcessorContext.CapturedForward<?, ?> f : forwarded) {
            Object v = f.record().value();
            if (v instanceof TripwireAction a) {
                out.action(a);
            } else if (v instanceof Signal s) {
                out.signal(s.toJson());
            } else {
                throw new IllegalStateException("the processor forwarded " + v);
            }
        }
    }

    @Override
    public <V> KeyValueStore<String, V> store(String name) {
        return context.getStateStore(name);
    }

    /** As Kafka Streams punctuates on wall-clock time: once per due schedule, the next one an interval later. */
    @Override
    public void advanceWallClock(Duration d) {
        wallClock += d.toMillis();
        context.setCurrentSystemTimeMs(wallClock);
        context.resetForwards();
        for (Map.Entry<MockProcessorContext.CapturedPunctuator, Long> e : nextWallClockPunctuation.entrySet()) {
            MockProcessorContext.CapturedPunctuator p = e.getKey();
            if (!p.cancelled() && e.getValue() <= wallClock) {
                p.getPunctuator().punctuate(wallClock);
                long next = e.getValue() + p.getInterval().toMillis();
                e.setValue(next > wallClock ? next : wallClock + p.getInterval().toMillis());
            }
        }
    }

    @Override
    public void close() {
        processor.close();
    }
}
