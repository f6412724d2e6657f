package io.tripwire.engine.topology;

/**
 * An event the engine refuses for its time: older than its tenant's stream time minus the grace
 * period (reason {@code late}), or further ahead of the wall clock than the allowed skew (reason
 * {@code future}). It is dead-lettered, not counted. Thrown before any state changes.
 */
public final class LateEventException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String reason;

    public LateEventException(String reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    /** {@code late} or {@code future}. */
    public String reason() {
        return reason;
    }
}
