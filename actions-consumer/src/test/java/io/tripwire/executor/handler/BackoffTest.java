package io.tripwire.executor.handler;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

import java.time.Duration;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest {

    @Property
    void everyDelayIsWithinZeroAndTheExponentialCap(@ForAll @LongRange(min = 0, max = 10_000) long baseMs,
                                                     @ForAll @LongRange(min = 0, max = 120_000) long extraMs,
                                                     @ForAll @IntRange(min = 1, max = 80) int retry,
                                                     @ForAll long seed) {
        Duration base = Duration.ofMillis(baseMs);
        Duration max = base.plusMillis(extraMs);
        Backoff b = new Backoff(base, max, new SplittableRandom(seed));

        Duration cap = b.cap(retry);
        Duration delay = b.delay(retry);

        double exponential = baseMs * Math.pow(2, retry - 1);
        assertThat(cap.toMillis()).isEqualTo((long) Math.min(max.toMillis(), exponential));
        assertThat(delay).isBetween(Duration.ZERO, cap);
    }

    @Property(tries = 50)
    void capsDoubleFromBaseUntilMax(@ForAll long seed) {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1_000), new SplittableRandom(seed));

        assertThat(b.cap(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(b.cap(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(b.cap(3)).isEqualTo(Duration.ofMillis(400));
        assertThat(b.cap(4)).isEqualTo(Duration.ofMillis(800));
        assertThat(b.cap(5)).isEqualTo(Duration.ofMillis(1_000));
        assertThat(b.cap(1_000)).isEqualTo(Duration.ofMillis(1_000));
    }

    @Property(tries = 10)
    void fullJitterUsesTheWholeRange(@ForAll long seed) {
        Backoff b = new Backoff(Duration.ofMillis(1_000), Duration.ofMillis(1_000), new SplittableRandom(seed));
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int i = 0; i < 2_000; i++) {
            long d = b.delay(1).toMillis();
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        assertThat(min).isLessThan(100);
        assertThat(max).isGreaterThan(900);
    }
}
