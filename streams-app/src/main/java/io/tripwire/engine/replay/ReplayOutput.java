package io.tripwire.engine.replay;

import io.tripwire.schemas.TripwireAction;

import java.util.List;

/**
 * What a replay produced, in order: action records, signal lines (JSON) and dead letters.
 */
public record ReplayOutput(List<TripwireAction> actions, List<String> signals, List<DeadLetter> deadLetters, long eventsRead) {

    /** A rejected input line: its number (1-based; 0 when not from a file), reason code and message. */
    public record DeadLetter(long line, String reason, String error, String raw) {
    }
}
