package io.tripwire.engine.replay;

import io.tripwire.engine.pilot.PilotReview;
import io.tripwire.schemas.TripwireAction;
import org.apache.avro.specific.SpecificRecord;

import java.util.List;

/**
 * What a replay produced, in order: action records, signal lines (JSON) and dead letters, the KPIs
 * of the events it counted, and the autonomy decisions and human overrides it counted ({@code pilotEvents},
 * in the order it counted them): the input of the autonomy pilot's review ({@link PilotReview}), which
 * the report and the evidence bundle show. They are kept as records rather than counted because the
 * review matches approvals to the actions that refused or ended them; they are few (one per op the
 * pilot decides, one per human override), unlike requests.
 */
public record ReplayOutput(List<TripwireAction> actions, List<String> signals, List<DeadLetter> deadLetters, long eventsRead,
                           io.tripwire.engine.report.Kpis kpis, List<SpecificRecord> pilotEvents) {

    /** Without KPIs (an empty table) and without pilot events (no pilot review). */
    public ReplayOutput(List<TripwireAction> actions, List<String> signals, List<DeadLetter> deadLetters, long eventsRead) {
        this(actions, signals, deadLetters, eventsRead, new io.tripwire.engine.report.Kpis(), List.of());
    }

    /** The same output with these dead letters (a replay's own, merged with those refused before the engine). */
    public ReplayOutput withDeadLetters(List<DeadLetter> dead) {
        return new ReplayOutput(actions, signals, dead, eventsRead, kpis, pilotEvents);
    }

    /**
     * A rejected input: where it came from, its reason code, message and raw form. A file line has
     * its {@code line} number (1-based) and no {@code source}; a topic record has {@code line} 0 and
     * {@code source} {@code topic-partition@offset}.
     */
    public record DeadLetter(long line, String source, String reason, String error, String raw) {

        /** A rejected file line (or, with {@code line} 0, an input of unknown origin). */
        public DeadLetter(long line, String reason, String error, String raw) {
            this(line, null, reason, error, raw);
        }

        /** Where the input was: {@code line N}, or the topic record's {@code source}. */
        public String location() {
            return source != null ? source : "line " + line;
        }
    }
}
