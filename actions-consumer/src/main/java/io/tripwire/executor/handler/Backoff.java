package io.tripwire.executor.handler;

import io.tripwire.executor.config.RetrySpec;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter: before retry n (n = 1 for the second attempt) wait a
 * uniformly random time in [0, min(max, base * 2^(n-1))]. Full jitter spreads the retries of many
 * executors hitting the same failing webhook instead of synchronising them.
 */
public final class Backoff {

    private final long baseMs;
    private final long maxMs;
    private final RandomGenerator random;

    public Backoff(Duration base, Duration max, RandomGenerator random) {
        this.baseMs = base.toMillis();
        this.maxMs = max.toMillis();
        this.random = random;
    }

    /** The backoff of a retry spec. */
    public static Backoff of(RetrySpec spec, RandomGenerator random) {
        return new Backoff(spec.backoffBase(), spec.backoffMax(), random);
    }

    /** Upper bound of the wait before retry {@code n} (n >= 1). */
    public Duration cap(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("retry numbers start at 1");
        }
        int shift = Math.min(n - 1, 62);
        long cap = baseMs > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : baseMs << shift;
        return Duration.ofMillis(Math.min(maxMs, cap));
    }

    /** A random wait before retry {@code n}, within [0, {@link #cap}(n)]. */
    public Duration delay(int n) {
        long cap = cap(n).toMillis();
        return Duration.ofMillis(cap == 0 ? 0 : random.nextLong(cap + 1));
    }
}
