package io.tripwire.executor.handler;

import io.tripwire.executor.config.RetrySpec;

import java.util.random.RandomGenerator;

/** Runs attempts until one succeeds, one fails for good, or the attempts run out, with {@link Backoff} between. */
final class Retrier {

    /** One try; {@code attempt} counts from 1. */
    interface Try {
        Attempt run(int attempt) throws InterruptedException;
    }

    private final RetrySpec spec;
    private final Backoff backoff;

    Retrier(RetrySpec spec, RandomGenerator random) {
        this.spec = spec;
        this.backoff = Backoff.of(spec, random);
    }

    HandlerResult run(Try attempt) throws InterruptedException {
        long start = System.nanoTime();
        Attempt last = null;
        int n = 0;
        while (n < spec.attempts()) {
            if (n > 0) {
                Thread.sleep(backoff.delay(n).toMillis());
            }
            n++;
            last = attempt.run(n);
            if (last.verdict() != Attempt.Verdict.RETRYABLE) {
                break;
            }
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        boolean ok = last.verdict() == Attempt.Verdict.SUCCESS;
        String detail = last.detail() + " (attempt " + n + "/" + spec.attempts()
                + (ok || last.verdict() == Attempt.Verdict.FINAL ? "" : ", retries exhausted") + ")";
        return new HandlerResult(ok, n, ms, detail, last.exitCode(), last.outputDigest());
    }
}
