package io.tripwire.engine.signals;

import io.tripwire.engine.state.WriteBackStoreBuilder;
import org.HdrHistogram.Histogram;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Latency windows against a brute-force reference, with the histogram objects of deleted minutes
 * reused for new ones: every window's count and percentiles are those of a histogram of exactly
 * its requests, across keys, long gaps, and a store small enough that histograms are evicted and
 * decoded again; and a minute bucket reused after {@code drop} holds only its own requests.
 */
class LatencyWindowsTest {

    private static final long GRACE = 10_000;

    @SuppressWarnings("unchecked")
    private static <V> KeyValueStore<String, V> store(String name, org.apache.kafka.common.serialization.Serde<V> serde, int capacity,
                                                      MockProcessorContext<Object, Object> ctx) {
        KeyValueStore<String, V> s = new WriteBackStoreBuilder<>(
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), serde).withCachingDisabled(), capacity)
                .withLoggingDisabled().build();
        s.init(ctx.getStateStoreContext(), s);
        return s;
    }

    @Test
    void everyWindowIsThePercentilesOfExactlyItsRequests() {
        for (int capacity : new int[] {4, 2048}) { // 4: buckets evicted, deleted ones decoded again before reuse
            MockProcessorContext<Object, Object> ctx = new MockProcessorContext<>();
            LatencyWindows windows = new LatencyWindows(store("b" + capacity, new HistogramSerde(), capacity, ctx),
                    store("c" + capacity, LatencyCursor.SERDE, capacity, ctx), 5, 3);
            Random r = new Random(capacity);
            Map<String, List<long[]>> requests = new HashMap<>(); // key -> [ts, micros]
            Map<String, Long> clocks = new HashMap<>();
            int evaluations = 0;
            for (int i = 0; i < 20_000; i++) {
                String key = "t" + r.nextInt(6) + StoreKeys.SEP + (r.nextBoolean() ? "READ" : "WRITE");
                long clock = clocks.getOrDefault(key, 1_000_000L * 60_000);
                int step = r.nextInt(100);
                clock += step < 90 ? r.nextInt(3_000) : step < 99 ? 60_000 + r.nextInt(300_000) : 3_600_000;
                clocks.put(key, clock);
                long ts = clock - r.nextInt((int) GRACE); // within grace: not late
                double ms = r.nextInt(10) == 0 ? 5_000 * r.nextDouble() : 20 + 200 * r.nextDouble();
                windows.record(key, ts, ms);
                requests.computeIfAbsent(key, k -> new ArrayList<>()).add(new long[] {ts, Math.round(ms * 1000.0)});
                for (LatencyWindows.Evaluation e : windows.due(key, clock, GRACE)) {
                    Histogram exact = HistogramSerde.newHistogram();
                    long b = Minutes.of(e.boundaryMillis());
                    for (long[] q : requests.get(key)) {
                        long m = Minutes.of(q[0]);
                        if (m >= b - 5 && m < b) {
                            exact.recordValue(q[1]);
                        }
                    }
                    Percentiles expected = exact.getTotalCount() == 0 ? null : Percentiles.of(exact);
                    assertThat(e.percentiles()).as("capacity %d, %s at boundary %d", capacity, key, b).isEqualTo(expected);
                    evaluations++;
                }
            }
            assertThat(evaluations).isGreaterThan(5_000);
        }
    }

    @Test
    void aMinuteRecordedAfterADropHoldsOnlyItsOwnRequests() {
        MockProcessorContext<Object, Object> ctx = new MockProcessorContext<>();
        LatencyWindows windows = new LatencyWindows(store("b", new HistogramSerde(), 2048, ctx), store("c", LatencyCursor.SERDE, 2048, ctx), 5, 3);
        long minute = 29_000_000L;
        for (int i = 0; i < 100; i++) {
            windows.recordMinute("a", minute * 60_000 + i, 900.0);
        }
        windows.drop("a", minute);
        assertThat(windows.minute("a", minute)).isNull();
        for (int i = 0; i < 3; i++) {
            windows.recordMinute("b", (minute + 1) * 60_000 + i, 100.0);
        }
        Histogram b = windows.minute("b", minute + 1);
        assertThat(b.getTotalCount()).isEqualTo(3);
        assertThat(b.getMaxValue()).isEqualTo(b.highestEquivalentValue(100_000));
        assertThat(windows.minute("a", minute)).isNull();
    }
}
