package io.tripwire.engine.replay;

import io.tripwire.engine.pilot.PilotReview;
import io.tripwire.engine.rules.Rules;
import io.tripwire.engine.topology.StoreNames;
import io.tripwire.engine.tripwires.CanaryJudgement;
import io.tripwire.schemas.TripwireAction;
import io.tripwire.signing.ActionSigner;
import io.tripwire.wire.DecodeException;
import io.tripwire.wire.EventValidation;
import org.apache.avro.specific.SpecificRecord;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

/**
 * Runs the engine's processor over recorded events in one JVM, with no broker, collecting what it
 * produces (actions, signals, dead letters) in order. Used by file replay, topic replay and the
 * specification tests. By default the processor is driven directly ({@link DirectDriver});
 * {@link #throughTopology} runs the whole topology in {@code TopologyTestDriver} instead, the
 * reference the direct driver is tested against.
 */
public final class ReplayEngine implements AutoCloseable {

    private final ReplayDriver driver;
    private final Rules rules;
    private final List<TripwireAction> actionLog = new ArrayList<>();
    private final List<String> signalLog = new ArrayList<>();
    private final List<ReplayOutput.DeadLetter> deadLetterLog = new ArrayList<>();
    private final io.tripwire.engine.report.Kpis kpis = new io.tripwire.engine.report.Kpis();
    private final List<SpecificRecord> pilotLog = new ArrayList<>();
    private long events;
    private Instant countFrom; // null: every event and output counts
    private final List<TripwireAction> carriedActions = new ArrayList<>(); // what countFrom leaves out of the output
    private final List<SpecificRecord> carriedPilot = new ArrayList<>();

    /** The processor driven directly, the wall clock starting now (future-skew check, stale warnings). */
    public ReplayEngine(Rules rules, ActionSigner signer) {
        this(new DirectDriver(rules, signer, System.currentTimeMillis()), rules);
    }

    private ReplayEngine(ReplayDriver driver, Rules rules) {
        this.driver = driver;
        this.rules = rules;
    }

    /** The whole topology in {@code TopologyTestDriver} (serdes, exception handlers, sinks): slower, for checks. */
    public static ReplayEngine throughTopology(Rules rules, ActionSigner signer) {
        return new ReplayEngine(new TopologyDriver(rules, signer, Instant.now()), rules);
    }

    /** Feeds one event; {@code line} and {@code raw} identify it in dead letters. */
    public void send(SpecificRecord event, long line, String raw) {
        send(event, line, null, () -> raw);
    }

    /**
     * Feeds one event; {@code line} (a file's) or {@code source} (a topic record's
     * {@code topic-partition@offset}, else null) and {@code raw} (asked for only when the event is
     * refused) identify it in dead letters.
     */
    public void send(SpecificRecord event, long line, String source, Supplier<String> raw) {
        Instant ts = (Instant) event.get(event.getSchema().getField("ts").pos());
        boolean counted = countFrom == null || ts == null || !ts.isBefore(countFrom);
        if (counted) {
            events++;
        }
        try {
            // what the input deserializer does on a topic
            EventValidation.validate(event);
        } catch (DecodeException e) {
            if (counted) {
                deadLetterLog.add(new ReplayOutput.DeadLetter(line, source, e.reason(), e.getMessage(), raw.get()));
            }
            return;
        }
        String tenant = (String) event.get(event.getSchema().getField("tenant").pos());
        // a Kafka record's timestamp is never negative (the engine reads event time from ts anyway)
        boolean[] refused = {false};
        driver.process(tenant, event, Math.max(0, ts.toEpochMilli()), new ReplayDriver.Outputs() {
            @Override
            public void action(TripwireAction action) {
                if (countFrom == null || !action.getFiredAt().isBefore(countFrom)) {
                    actionLog.add(action);
                } else {
                    carriedActions.add(action);
                }
            }

            @Override
            public void signal(String json) {
                if (countFrom == null || !signalAt(json).isBefore(countFrom)) {
                    signalLog.add(json);
                }
            }

            @Override
            public void refused(String reason, String message) {
                refused[0] = true;
                if (counted) {
                    deadLetterLog.add(new ReplayOutput.DeadLetter(line, source, reason, message, raw.get()));
                }
            }
        });
        if (!refused[0] && counted) {
            kpis.add(event);
            if (PilotReview.reads(event)) {
                pilotLog.add(event);
            }
        } else if (!refused[0] && PilotReview.reads(event)) {
            carriedPilot.add(event);
        }
    }

    /**
     * From now on, events before {@code from} only build state (windows, holds, approvals): they are
     * not counted in {@link ReplayOutput#eventsRead()} or the KPIs and their refusals are no dead
     * letters, and actions and signals dated before {@code from} are left out of the output. How
     * {@code gate} and {@code evidence} carry in what came before their window without counting it.
     */
    public void countFrom(Instant from) {
        countFrom = from;
    }

    /** The {@code at} of a signal line (SPEC 5: {@code "at":"…Z"}), read without parsing the whole line. */
    private static Instant signalAt(String json) {
        int i = json.indexOf("\"at\":\"");
        if (i < 0) {
            throw new IllegalStateException("a signal without \"at\": " + json);
        }
        int start = i + 6;
        return Instant.parse(json.substring(start, json.indexOf('"', start)));
    }

    /** Feeds events in timestamp order (stable: equal times keep their order). */
    public void sendAll(List<? extends SpecificRecord> events) {
        List<SpecificRecord> sorted = new ArrayList<>(events);
        sorted.sort(Comparator.comparing(e -> (Instant) e.get(e.getSchema().getField("ts").pos())));
        for (SpecificRecord e : sorted) {
            send(e, 0, null);
        }
    }

    /** Moves the wall clock (wall-clock punctuators, e.g. the stale-series check, run). */
    public void advanceWallClock(java.time.Duration d) {
        driver.advanceWallClock(d);
    }

    /** Adds a dead letter found before the topology (an unreadable line). */
    public void rejected(long line, String reason, String error, String raw) {
        rejected(new ReplayOutput.DeadLetter(line, reason, error, raw));
    }

    /** Adds a dead letter found before the topology (an unreadable line or record). */
    public void rejected(ReplayOutput.DeadLetter d) {
        deadLetterLog.add(d);
    }

    /**
     * The tenant's current canary stage and what each canary tripwire knows of its keys in it (SPEC 3,
     * "Canary judgement"), after the events sent so far; null when the tenant has no stage.
     */
    public CanaryJudgement canary(String tenant) {
        return CanaryJudgement.of(tenant, rules, driver.store(StoreNames.CANARY_TENANTS), driver.store(StoreNames.CANARY_STATE));
    }

    /**
     * What {@link #countFrom} kept out of the output, in order: the actions fired before it, and the
     * events a pilot review reads (an approval given before the window may still be in force in it).
     */
    public List<TripwireAction> carriedActions() {
        return List.copyOf(carriedActions);
    }

    /** See {@link #carriedActions()}. */
    public List<SpecificRecord> carriedPilotEvents() {
        return List.copyOf(carriedPilot);
    }

    public ReplayOutput output() {
        return new ReplayOutput(List.copyOf(actionLog), List.copyOf(signalLog), List.copyOf(deadLetterLog), events, kpis,
                List.copyOf(pilotLog));
    }

    @Override
    public void close() {
        driver.close();
    }
}
