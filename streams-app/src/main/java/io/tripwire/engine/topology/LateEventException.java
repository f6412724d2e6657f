package io.tripwire.engine.topology;

/**
 * An event older than its tenant's stream time minus the grace period: it is dead-lettered with
 * reason {@code late}, not counted.
 */
public final class LateEventException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LateEventException(String message) {
        super(message, null, false, false);
    }
}
