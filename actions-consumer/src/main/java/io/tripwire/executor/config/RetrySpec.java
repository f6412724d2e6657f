package io.tripwire.executor.config;

import java.time.Duration;

/**
 * How often a handler is tried and how long it waits in between: exponential backoff with full
 * jitter, the n-th retry waiting a random time in [0, min(max, base * 2^(n-1))].
 *
 * @param attempts total attempts, at least 1 (1 = no retry)
 * @param backoffBase wait cap before the first retry
 * @param backoffMax upper bound of any wait
 */
public record RetrySpec(int attempts, Duration backoffBase, Duration backoffMax) {

    public RetrySpec {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be >= 1");
        }
        if (backoffBase.isNegative() || backoffMax.compareTo(backoffBase) < 0) {
            throw new IllegalArgumentException("need 0 <= backoff-base <= backoff-max");
        }
    }

    /** Longest total time spent waiting between attempts. */
    public Duration worstCaseBackoff() {
        return backoffMax.multipliedBy(attempts - 1L);
    }
}
