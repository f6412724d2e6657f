package io.tripwire.engine.signals;

import io.tripwire.engine.state.WriteBackStoreBuilder;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The running sums against a brute-force reference: after every event, each window's sum is the
 * sum of the events in its last W minutes, whether the head moved on by a minute (buckets looked
 * up one by one) or jumped over a long gap (a range scan), and buckets that left the longest window
 * are gone from the store.
 */
class RollingCountsTest {

    private static final List<Duration> WINDOWS = List.of(Duration.ofMinutes(5), Duration.ofMinutes(60), Duration.ofHours(24));

    @SuppressWarnings("unchecked")
    private static <V> KeyValueStore<String, V> store(String name, org.apache.kafka.common.serialization.Serde<V> serde,
                                                      MockProcessorContext<Object, Object> ctx) {
        // the engine's stack: write-back objects over an in-memory store (changelog off, as in replay)
        KeyValueStore<String, V> s = new WriteBackStoreBuilder<>(
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), serde).withCachingDisabled(), 64)
                .withLoggingDisabled().build();
        s.init(ctx.getStateStoreContext(), s);
        return s;
    }

    @Test
    void everyWindowSumIsTheSumOfItsLastMinutesAcrossShortStepsAndLongGaps() {
        MockProcessorContext<Object, Object> ctx = new MockProcessorContext<>();
        KeyValueStore<String, Tally> buckets = store("buckets", Tally.SERDE, ctx);
        RollingCounts counts = new RollingCounts(buckets, store("sums", WindowSums.SERDE, ctx), WINDOWS, 2);
        Random random = new Random(11);
        for (String key : List.of("t1\u001fapi", "t2\u001fapi")) {
            TreeMap<Long, long[]> events = new TreeMap<>(); // minute -> [total, bad]: the reference
            long clock = 1_000;
            for (int i = 0; i < 6_000; i++) {
                int step = random.nextInt(100);
                // mostly the same or the next minute; sometimes gaps of 2-40 minutes, a few of hours or days
                clock += step < 70 ? 0 : step < 93 ? 1 : step < 98 ? 2 + random.nextInt(39) : step < 99 ? 60 + random.nextInt(600) : 1_500;
                long minute = clock - random.nextInt(3); // up to two minutes late
                boolean bad = random.nextInt(10) == 0;
                RollingCounts.Update u = counts.add(key, clock, minute, Tally.of(1, bad ? 1 : 0));
                if (minute > clock - 24 * 60) {
                    long[] t = events.computeIfAbsent(minute, m -> new long[2]);
                    t[0]++;
                    t[1] += bad ? 1 : 0;
                }
                for (Duration w : WINDOWS) {
                    int wm = Minutes.count(w);
                    long total = 0;
                    long badCount = 0;
                    for (long[] t : events.subMap(clock - wm + 1, true, clock, true).values()) {
                        total += t[0];
                        badCount += t[1];
                    }
                    assertThat(u.now().window(wm)).as("%s, event %d at minute %d, window %d min", key, i, clock, wm)
                            .isEqualTo(Tally.of(total, badCount));
                }
                events.headMap(clock - 24 * 60, true).clear();
            }
            // nothing older than the longest window stays in the store
            long oldest = clock - 24 * 60;
            try (var it = buckets.range(StoreKeys.minute(key, 0), StoreKeys.minute(key, oldest))) {
                assertThat(it.hasNext()).as("buckets at or before minute %d", oldest).isFalse();
            }
        }
    }

    @Test
    void theSumsBeforeAMinuteAreThoseOfItsWholeMinutesWhereverTheHeadIs() {
        MockProcessorContext<Object, Object> ctx = new MockProcessorContext<>();
        // a 10-minute window kept with 30 minutes of buckets (AutonomySignals keeps the longest window plus an hour)
        RollingCounts counts = new RollingCounts(store("b", Tally.SERDE, ctx), store("s", WindowSums.SERDE, ctx),
                List.of(Duration.ofMinutes(10), Duration.ofMinutes(30)), 1);
        for (long m = 100; m <= 140; m++) {
            counts.add("k", m, m, Tally.of(m)); // minute m holds m
        }
        // minutes 111..120 before minute 121, although the head is at 140: the 30-minute window still keeps them
        assertThat(counts.before("k", 121).window(10).get(0)).isEqualTo(java.util.stream.LongStream.rangeClosed(111, 120).sum());
        // minute 110 left the longest window kept: what the slack is for
        assertThat(counts.before("k", 120).window(10).get(0)).isEqualTo(java.util.stream.LongStream.rangeClosed(111, 119).sum());
        // the current minute is not counted, nor minutes the window has not reached
        assertThat(counts.before("k", 141).window(10).get(0)).isEqualTo(java.util.stream.LongStream.rangeClosed(131, 140).sum());
        assertThat(counts.before("k", 132).window(10).get(0)).isEqualTo(java.util.stream.LongStream.rangeClosed(122, 131).sum());
        assertThat(counts.before("nobody", 120).window(10).get(0)).isZero();
    }
}
