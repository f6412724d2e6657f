package io.tripwire.engine.topology;

/**
 * A human override the engine does not honour (SPEC 3, "Human approvals"): unsigned, badly signed,
 * by an untrusted key, not permitted, expired, or a reused token. It is dead-lettered with its reason
 * after the engine has emitted one AUDIT_EVENT naming it; the hold stays.
 */
public final class RefusedOverrideException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String reason;

    public RefusedOverrideException(String reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    /** {@code override-unsigned}, {@code override-bad-signature}, ... */
    public String reason() {
        return reason;
    }
}
