package io.tripwire.executor.trust;

/**
 * Names a refused action record in dead-letter headers ({@code __streams.errors.exception}). Never
 * thrown: the executor refuses records by value; no stack trace is taken.
 */
public final class UntrustedActionException extends Exception {

    public UntrustedActionException(String message) {
        super(message, null, false, false);
    }
}
