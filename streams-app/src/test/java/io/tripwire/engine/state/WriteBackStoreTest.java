package io.tripwire.engine.state;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.tripwire.engine.signals.HistogramSerde;
import org.HdrHistogram.Histogram;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.Stores;

import static org.assertj.core.api.Assertions.assertThat;

/** The write-back layer on its own, over a counting inner store. */
class WriteBackStoreTest {

    /** An inner store that counts what reaches it (in the engine: the serializing, changelogging stack). */
    static final class CountingStore implements KeyValueStore<String, String> {
        final TreeMap<String, String> data = new TreeMap<>();
        final List<String> puts = new ArrayList<>();
        int gets;
        boolean open = true;

        @Override
        public void put(String key, String value) {
            puts.add(key + "=" + value);
            if (value == null) {
                data.remove(key); // as Kafka's stores: a null value deletes
            } else {
                data.put(key, value);
            }
        }

        @Override
        public String putIfAbsent(String key, String value) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void putAll(List<KeyValue<String, String>> entries) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String delete(String key) {
            puts.add(key + " deleted");
            return data.remove(key);
        }

        @Override
        public String get(String key) {
            gets++;
            return data.get(key);
        }

        @Override
        public KeyValueIterator<String, String> range(String from, String to) {
            Iterator<Map.Entry<String, String>> it = new ArrayList<>(data.subMap(from, true, to, true).entrySet()).iterator();
            return new KeyValueIterator<>() {
                @Override
                public void close() {
                }

                @Override
                public String peekNextKey() {
                    throw new UnsupportedOperationException();
                }

                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public KeyValue<String, String> next() {
                    Map.Entry<String, String> e = it.next();
                    return KeyValue.pair(e.getKey(), e.getValue());
                }
            };
        }

        @Override
        public KeyValueIterator<String, String> all() {
            return range("", "\uffff");
        }

        @Override
        public long approximateNumEntries() {
            return data.size();
        }

        @Override
        public String name() {
            return "counting";
        }

        @Override
        public void init(StateStoreContext context, StateStore root) {
        }

        @Override
        public void close() {
            open = false;
        }

        @Override
        public boolean persistent() {
            return false;
        }

        @Override
        public boolean isOpen() {
            return open;
        }
    }

    private final CountingStore inner = new CountingStore();

    @Test
    void manyPutsOfAKeyBetweenCommitsReachTheInnerStoreOnceWithTheLastValue() {
        WriteBackStore<String, String> store = new WriteBackStore<>(inner, 100);
        for (int i = 1; i <= 1000; i++) {
            store.put("k", "v" + i);
        }
        assertThat(inner.puts).isEmpty();
        assertThat(store.get("k")).isEqualTo("v1000");

        store.flushCache();
        assertThat(inner.puts).containsExactly("k=v1000");

        assertThat(store.dirtyObjects()).isZero();
        store.flushCache();
        assertThat(inner.puts).as("a clean object is not written again").containsExactly("k=v1000");
    }

    @Test
    void commitAlsoWritesBack() {
        WriteBackStore<String, String> store = new WriteBackStore<>(inner, 100);
        store.put("k", "v");
        store.commit(Map.of());
        assertThat(inner.data).containsEntry("k", "v");
    }

    @Test
    void aValueReadOnceIsServedAsTheSameObjectWithoutReadingTheInnerStoreAgain() {
        inner.data.put("k", new String("stored"));
        WriteBackStore<String, String> store = new WriteBackStore<>(inner, 100);
        String first = store.get("k");
        assertThat(store.get("k")).isSameAs(first);
        assertThat(inner.gets).isEqualTo(1);
    }

    @Test
    void anAbsentKeyIsAskedOfTheInnerStoreOnceUntilItIsPut() {
        WriteBackStore<String, String> store = new WriteBackStore<>(inner, 100);
        assertThat(store.get("missing")).isNull();
        assertThat(store.get("missing")).isNull();
        assertThat(inner.gets).isEqualTo(1);
        assertThat(store.heldObjects()).as("held as absent").isEqualTo(1);
        store.put("missing", "now");
        assertThat(store.get("missing")).isEqualTo("now");
        store.flushCache();
        assertThat(inner.puts).containsExactly("missing=now");
        assertThat(store.delete("missing")).isEqualTo("now");
        assertThat(inner.puts).as("the delete reached the inner store, without reading its copy back")
                .containsExactly("missing=now", "missing=null");
        assertThat(inner.data.get("missing")).isNull();
        assertThat(store.get("missing")).isNull();
        assertThat(inner.gets).as("a deleted key is known absent: not asked again").isEqualTo(1);
        assertThat(store.delete("missing")).isNull();
        assertThat(inner.puts).as("deleting a key known absent reaches nothing").hasSize(2);
    }

    @Test
    void aDeleteOfAKeyNotHeldAsksTheInnerStoreForItsValue() {
        inner.data.put("old", "v");
        WriteBackStore<String, String> store = new WriteBackStore<>(inner, 100);
        assertThat(store.delete("old")).isEqualTo("v");
        assertThat(inner.data).doesNotContainKey("old");
        assertThat(store.get("old")).isNull();
        assertThat(inner.gets).isZero();
    }

    @Test
    void absentKeysNeverPushAValueOutAndAreNeverWritten() {
        WriteBackStore<String, String> store = new WriteBackStore<>(inner, 2);
        store.put("a", "1");
        store.put("b", "2");
        store.get("x");
        store.get("y");
        store.get("z"); // x, the least recently used absent key, is forgotten; a and b stay
        store.flushCache();
        assertThat(inner.puts).containsExactlyInAnyOrder("a=1", "b=2");
        assertThat(store.heldObjects()).isEqualTo(4);
        inner.data.clear(); // were a or b dropped, the next get would ask the inner store and find nothing
        assertThat(store.get("a")).isEqualTo("1");
        assertThat(store.get("b")).isEqualTo("2");
        int asked = inner.gets;
        store.get("y");
        assertThat(inner.gets).as("y is still known absent").isEqualTo(asked);
        store.get("x");
        assertThat(inner.gets).as("x was forgotten, so asked again").isEqualTo(asked + 1);
    }

    @Test
    void anAbsentKeyIsForgottenWithTheRestWhenTheStoreIsRestored() {
        WriteBackStore<String, String> store = new WriteBackStore<>(inner, 100);
        assertThat(store.get("k")).isNull();
        inner.data.put("k", "restored"); // a standby restoring into the inner store, then promoted
        store.clearCache();
        assertThat(store.get("k")).isEqualTo("restored");
    }

    @Test
    void rangeScansAndCountsSeeChangesNotYetCommitted() {
        WriteBackStore<String, String> store = new WriteBackStore<>(inner, 100);
        store.put("a", "1");
        store.put("b", "2");
        List<String> seen = new ArrayList<>();
        try (KeyValueIterator<String, String> it = store.range("a", "z")) {
            it.forEachRemaining(kv -> seen.add(kv.key + "=" + kv.value));
        }
        assertThat(seen).containsExactly("a=1", "b=2");
        assertThat(store.approximateNumEntries()).isEqualTo(2);
    }

    @Test
    void beyondCapacityTheLeastRecentlyUsedIsDroppedAndWrittenFirstIfChanged() {
        WriteBackStore<String, String> store = new WriteBackStore<>(inner, 2);
        store.put("a", "1");
        store.put("b", "2");
        store.get("a"); // b is now the least recently used
        store.put("c", "3");
        assertThat(inner.puts).containsExactly("b=2");
        assertThat(store.heldObjects()).isEqualTo(2);
        store.flushCache();
        assertThat(inner.puts).as("each change is written once").containsExactlyInAnyOrder("b=2", "a=1", "c=3");
        assertThat(store.get("b")).isEqualTo("2");
    }

    @Test
    void deleteRemovesTheKeyEverywhereAndReturnsTheLatestValue() {
        WriteBackStore<String, String> store = new WriteBackStore<>(inner, 100);
        inner.data.put("k", "old");
        store.put("k", "new");
        assertThat(store.delete("k")).isEqualTo("new");
        assertThat(store.get("k")).isNull();
        store.flushCache();
        assertThat(inner.data).doesNotContainKey("k");
        assertThat(inner.puts).as("a null put: deleted without reading the inner store's value").containsExactly("k=null");
    }

    @Test
    void aTaskClosedWithoutCommittingDropsItsChanges() {
        WriteBackStore<String, String> store = new WriteBackStore<>(inner, 100);
        store.put("k", "uncommitted");
        store.close();
        assertThat(inner.puts).isEmpty();
        assertThat(inner.open).isFalse();
        assertThat(store.heldObjects()).isZero();
    }

    @Test
    void clearingTheCacheDropsChangesAndForgetsObjects() {
        inner.data.put("k", "committed");
        WriteBackStore<String, String> store = new WriteBackStore<>(inner, 100);
        store.put("k", "uncommitted");
        store.clearCache();
        assertThat(store.get("k")).isEqualTo("committed");
    }

    /** The engine's stack for a value changed in place (a latency histogram), changelog off. */
    private static KeyValueStore<String, Histogram> histograms(int capacity) {
        MockProcessorContext<Object, Object> ctx = new MockProcessorContext<>();
        KeyValueStore<String, Histogram> s = new WriteBackStoreBuilder<>(
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("h" + capacity), Serdes.String(), new HistogramSerde())
                        .withCachingDisabled(), capacity).withLoggingDisabled().build();
        s.init(ctx.getStateStoreContext(), s);
        return s;
    }

    private static Histogram of(long... values) {
        Histogram h = HistogramSerde.newHistogram();
        for (long v : values) {
            h.recordValue(v);
        }
        return h;
    }

    @Test
    void aValueReadThenPushedOutThenChangedAndPutBackIsWritten() {
        KeyValueStore<String, Histogram> store = histograms(2);
        store.put("a", of(10));
        store.flush();
        Histogram a = store.get("a"); // the put below would need no lookup, were it not pushed out in between
        store.put("b", of(20));
        store.put("c", of(30)); // a, the least recently used, leaves the held objects
        a.recordValue(11);
        store.put("a", a);
        store.flush();
        store.put("d", of(40));
        store.put("e", of(50)); // a leaves again: it is read back from the inner store below
        assertThat(store.get("a").getTotalCount()).as("the change made after it was pushed out").isEqualTo(2);
    }

    @Test
    void aValueReadThenDeletedThenPutBackIsThere() {
        KeyValueStore<String, Histogram> store = histograms(100);
        store.put("a", of(10));
        Histogram a = store.get("a");
        store.delete("a");
        store.put("a", a);
        assertThat(store.get("a")).isSameAs(a);
        store.flush();
        store.put("a", of(1, 2, 3)); // a new object: not the one read last
        assertThat(store.get("a").getTotalCount()).isEqualTo(3);
    }
}
