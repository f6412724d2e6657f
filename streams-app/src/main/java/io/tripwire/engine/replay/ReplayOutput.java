package io.tripwire.engine.replay;

import io.tripwire.schemas.TripwireAction;

import java.util.List;

/**
 * What a replay produced, in order: action records, signal lines (JSON) and dead letters, and the
 * KPIs of the events it counted.
 */
public record ReplayOutput(List<TripwireAction> actions, List<String> signals, List<DeadLetter> deadLetters, long eventsRead,
                           io.tripwire.engine.report.Kpis kpis) {

    /** Without KPIs (an empty table). */
    public ReplayOutput(List<TripwireAction> actions, List<String> signals, List<DeadLetter> deadLetters, long eventsRead) {
        this(actions, signals, deadLetters, eventsRead, new io.tripwire.engine.report.Kpis());
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
