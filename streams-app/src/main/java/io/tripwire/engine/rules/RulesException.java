package io.tripwire.engine.rules;

/** A rules file that cannot be used; the message names the key and what is allowed. */
public final class RulesException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RulesException(String message) {
        super(message);
    }
}
