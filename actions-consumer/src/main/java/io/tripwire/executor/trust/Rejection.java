package io.tripwire.executor.trust;

/**
 * Why an action record is refused; it is never executed.
 *
 * @param reason short machine code, written into the {@code tripwire.reason} dead-letter header:
 *               {@code UNSIGNED}, {@code BAD_SIGNATURE}, {@code MALFORMED_SIGNATURE},
 *               {@code UNKNOWN_ACTION}, {@code NO_HANDLER}, or {@code UNDECODABLE:<decode reason>}
 * @param detail what a person needs to know
 */
public record Rejection(String reason, String detail) {

    /** The rejection as an exception, for the dead-letter headers that name one. */
    public UntrustedActionException asException() {
        return new UntrustedActionException(reason + ": " + detail);
    }
}
