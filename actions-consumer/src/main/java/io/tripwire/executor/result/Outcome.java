package io.tripwire.executor.result;

import io.tripwire.executor.handler.ActionFailedException;
import io.tripwire.executor.handler.HandlerResult;
import io.tripwire.executor.trust.Rejection;
import io.tripwire.schemas.ResultStatus;

/**
 * What the executor did with one action record, before it is written as an
 * {@link io.tripwire.schemas.ActionResult}.
 *
 * @param deadLetterReason the {@code tripwire.reason} header when the record also goes to the
 *                         dead-letter topic (REJECTED, FAILED), else null
 * @param deadLetterCause the exception named in the dead-letter headers, else null
 * @param ranSideEffect whether a side-effecting handler actually ran for it
 */
public record Outcome(ResultStatus status, String handler, int attempts, long durationMs, String detail,
                      Integer exitCode, String outputDigest, String deadLetterReason, Throwable deadLetterCause,
                      boolean ranSideEffect) {

    /** Refused: never run. */
    public static Outcome rejected(Rejection r, Throwable cause) {
        return new Outcome(ResultStatus.REJECTED, "none", 0, 0, r.reason() + ": " + r.detail(), null, null,
                r.reason(), cause, false);
    }

    /** Already executed: not run again. */
    public static Outcome duplicate(String handler, String detail) {
        return new Outcome(ResultStatus.DUPLICATE, handler, 0, 0, detail, null, null, null, null, false);
    }

    /** Dry run: what would have run. */
    public static Outcome dryRun(String handler, String detail) {
        return new Outcome(ResultStatus.DRY_RUN, handler, 0, 0, detail, null, null, null, null, false);
    }

    /** The handler ran: EXECUTED, or FAILED and dead-lettered with reason {@code handler-failed}. */
    public static Outcome ran(String handler, boolean sideEffecting, HandlerResult r) {
        if (r.succeeded()) {
            return new Outcome(ResultStatus.EXECUTED, handler, r.attempts(), r.durationMs(), r.detail(),
                    r.exitCode(), r.outputDigest(), null, null, sideEffecting);
        }
        return new Outcome(ResultStatus.FAILED, handler, r.attempts(), r.durationMs(), r.detail(),
                r.exitCode(), r.outputDigest(), "handler-failed", new ActionFailedException(r.detail()), sideEffecting);
    }

    /** Whether the record also goes to the dead-letter topic. */
    public boolean deadLettered() {
        return deadLetterReason != null;
    }

    /** Whether the outcome belongs in the ledger: a handler ran (EXECUTED or FAILED). */
    public boolean ledgered() {
        return status == ResultStatus.EXECUTED || status == ResultStatus.FAILED;
    }
}
