package io.tripwire.executor.handler;

/**
 * Names an action whose handler failed after its retries, in dead-letter headers
 * ({@code __streams.errors.exception}). Never thrown; no stack trace is taken.
 */
public final class ActionFailedException extends Exception {

    public ActionFailedException(String message) {
        super(message, null, false, false);
    }
}
