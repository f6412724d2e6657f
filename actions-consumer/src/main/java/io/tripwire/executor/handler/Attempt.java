package io.tripwire.executor.handler;

/**
 * Outcome of one try of a handler.
 *
 * @param verdict whether it succeeded, may be retried, or failed for good
 * @param detail what happened in this try
 */
record Attempt(Verdict verdict, String detail, Integer exitCode, String outputDigest) {

    enum Verdict { SUCCESS, RETRYABLE, FINAL }

    static Attempt success(String detail, Integer exitCode, String digest) {
        return new Attempt(Verdict.SUCCESS, detail, exitCode, digest);
    }

    static Attempt retryable(String detail, Integer exitCode, String digest) {
        return new Attempt(Verdict.RETRYABLE, detail, exitCode, digest);
    }

    static Attempt fail(String detail, Integer exitCode, String digest) {
        return new Attempt(Verdict.FINAL, detail, exitCode, digest);
    }
}
