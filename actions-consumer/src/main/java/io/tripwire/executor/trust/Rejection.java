package io.tripwire.executor.trust;

/**
 * Why an action record is refused; it is never executed.
 *
 * @param reason short machine code in the engine's style, written into the {@code tripwire.reason}
 *               dead-letter header: {@code unsigned}, {@code bad-signature}, {@code malformed-signature},
 *               {@code unknown-action}, {@code no-handler}, or the decode reason of an unreadable
 *               record ({@code bad-magic-byte}, {@code unknown-schema-id}, {@code bad-json}, ...)
 * @param detail what a person needs to know
 */
public record Rejection(String reason, String detail) {

    /** The rejection as an exception, for the dead-letter headers that name one. */
    public UntrustedActionException asException() {
        return new UntrustedActionException(reason + ": " + detail);
    }
}
