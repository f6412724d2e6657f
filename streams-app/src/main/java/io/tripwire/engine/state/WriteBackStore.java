package io.tripwire.engine.state;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A key-value store that keeps values as objects and serializes a changed value once per commit,
 * not once per {@code put}.
 *
 * <p>Kafka Streams' own record cache sits <em>below</em> the serializing layer: every {@code put}
 * encodes its value, and {@code get} decodes it again. For the engine's values that is most of the
 * work (a minute's HdrHistogram is re-encoded on every request it records). This store sits on
 * top of the whole stack (metered, changelogging, in-memory): {@code put} only marks the object
 * dirty, {@code get} returns the object it holds, and the dirty objects are written into the
 * inner store, and so to its changelog, when Kafka Streams flushes caches before a commit
 * ({@link #flushCache()}; also in {@link #commit(Map)}). The commit that carries the input offsets
 * therefore carries the state they produced: exactly-once is unchanged.
 *
 * <p>Contract for callers: a value obtained from {@code get} may be the object this store holds, so
 * it must not be changed unless it is {@code put} back before the next commit (the engine's values
 * are immutable records, except latency histograms, which are recorded into and put back at once).
 *
 * <p>At most {@code capacity} values are held; the least recently used is dropped (its value
 * written to the inner store first if dirty). A key read and not found is remembered as absent, so
 * the inner store is asked once, in a second list of at most {@code capacity} keys: lookups of
 * absent keys (a tripwire's hold while it is clear, the canary judgement's minutes without a
 * not-baseline request) never push a value out, which would cost decoding it again. Range scans and counts write the dirty
 * objects back first, so they see every change. A task closed without a commit ({@link #close()}) drops its objects: Kafka
 * Streams then restores the inner store from the changelog. {@link #clearCache()}, which Kafka
 * Streams also calls when it recycles a task between active and standby (a standby restores into
 * the inner store directly), drops them too, so a promoted standby never reads an object older than
 * what it restored.
 *
 * <p>This extends {@link WrappedStateStore}, an internal class of Kafka Streams, because Kafka
 * Streams flushes only {@code CachedStateStore}s before a commit; {@code WriteBackStoreTest}
 * checks that the changelog of every committed input holds its state, so an upgrade that changes
 * the hook fails a test rather than losing state.
 */
public final class WriteBackStore<K, V> extends WrappedStateStore<KeyValueStore<K, V>, K, V> implements KeyValueStore<K, V> {

    private static final class Slot<V> {
        V value;
        boolean dirty;

        Slot(V value, boolean dirty) {
            this.value = value;
            this.dirty = dirty;
        }
    }

    private final LinkedHashMap<K, Slot<V>> objects;
    /** Keys the inner store does not hold, as far as this store knows (least recently used dropped first). */
    private final LinkedHashMap<K, Boolean> absent;
    /** The dirty slots, so a commit costs O(changed keys), not O(held objects). */
    private final Map<K, Slot<V>> dirty = new HashMap<>();
    /**
     * The key and slot of the last {@code get} that found a held value: the engine reads a value,
     * changes it in place and puts it back, so that {@code put} needs no second lookup. Forgotten
     * whenever a slot leaves {@link #objects}.
     */
    private K lastKey;
    private Slot<V> lastSlot;
    private final int capacity;

    public WriteBackStore(KeyValueStore<K, V> inner, int capacity) {
        super(inner);
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
        this.objects = new LinkedHashMap<>(Math.min(capacity, 1 << 16) * 4 / 3 + 1, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, Slot<V>> eldest) {
                if (size() <= WriteBackStore.this.capacity) {
                    return false;
                }
                forgetLast();
                if (eldest.getValue().dirty) {
                    wrapped().put(eldest.getKey(), eldest.getValue().value);
                    dirty.remove(eldest.getKey());
                }
                return true;
            }
        };
        this.absent = new LinkedHashMap<>(Math.min(capacity, 1 << 16) * 4 / 3 + 1, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, Boolean> eldest) {
                return size() > WriteBackStore.this.capacity;
            }
        };
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        forget();
        super.init(context, root);
    }

    @Override
    public V get(K key) {
        Slot<V> s = objects.get(key);
        if (s != null) {
            lastKey = key;
            lastSlot = s;
            return s.value;
        }
        if (absent.get(key) != null) {
            return null;
        }
        V v = wrapped().get(key);
        // an absent key is remembered too: the engine asks for many keys that are mostly absent (a
        // tripwire's hold while it is clear), and a miss in the inner store costs a key encoding, a
        // tree lookup and its metrics on every event
        if (v == null) {
            absent.put(key, Boolean.TRUE);
        } else {
            objects.put(key, new Slot<>(v, false));
        }
        return v;
    }

    @Override
    public void put(K key, V value) {
        if (value == null) {
            delete(key);
            return;
        }
        if (key == lastKey && lastSlot.value == value && lastSlot.dirty) {
            return; // the value just read, changed in place and already marked
        }
        Slot<V> s = objects.get(key);
        if (s != null) {
            if (s.dirty && s.value == value) {
                return; // the object changed in place and already marked (a histogram put back after every record)
            }
            s.value = value;
            s.dirty = true;
        } else {
            absent.remove(key); // a held key is never absent: only a new one may have been
            s = new Slot<>(value, true);
            objects.put(key, s);
        }
        dirty.put(key, s);
    }

    @Override
    public V putIfAbsent(K key, V value) {
        V old = get(key);
        if (old == null) {
            put(key, value);
        }
        return old;
    }

    @Override
    public void putAll(List<KeyValue<K, V>> entries) {
        entries.forEach(kv -> put(kv.key, kv.value));
    }

    @Override
    public V delete(K key) {
        forgetLast();
        Slot<V> s = objects.remove(key);
        dirty.remove(key);
        V old;
        if (s != null) {
            // the held object is the value: a null put deletes in the inner store (a tombstone in its changelog, as a
            // delete) without decoding the inner store's copy only to return it
            wrapped().put(key, null);
            old = s.value;
        } else if (absent.containsKey(key)) {
            return null; // nothing to delete
        } else {
            old = wrapped().delete(key);
        }
        absent.put(key, Boolean.TRUE);
        return old;
    }

    @Override
    public KeyValueIterator<K, V> range(K from, K to) {
        writeBack();
        return wrapped().range(from, to);
    }

    @Override
    public KeyValueIterator<K, V> reverseRange(K from, K to) {
        writeBack();
        return wrapped().reverseRange(from, to);
    }

    @Override
    public KeyValueIterator<K, V> all() {
        writeBack();
        return wrapped().all();
    }

    @Override
    public KeyValueIterator<K, V> reverseAll() {
        writeBack();
        return wrapped().reverseAll();
    }

    @Override
    public <PS extends org.apache.kafka.common.serialization.Serializer<P>, P> KeyValueIterator<K, V> prefixScan(P prefix, PS prefixKeySerializer) {
        writeBack();
        return wrapped().prefixScan(prefix, prefixKeySerializer);
    }

    @Override
    public long approximateNumEntries() {
        writeBack();
        return wrapped().approximateNumEntries();
    }

    /** Called by Kafka Streams before every commit: the dirty objects go to the inner store and its changelog. */
    @Override
    public void flushCache() {
        writeBack();
        super.flushCache();
    }

    @Override
    public void commit(Map<TopicPartition, Long> changelogOffsets) {
        writeBack();
        super.commit(changelogOffsets);
    }

    @Override
    public void clearCache() {
        forget();
        super.clearCache();
    }

    @Override
    public void close() {
        forget();
        super.close();
    }

    /** Keys held now (dirty, clean or absent); for tests. */
    public int heldObjects() {
        return objects.size() + absent.size();
    }

    /** Objects changed since the last commit; for tests. */
    int dirtyObjects() {
        return dirty.size();
    }

    private void writeBack() {
        if (dirty.isEmpty()) {
            return;
        }
        dirty.forEach((key, s) -> {
            wrapped().put(key, s.value);
            s.dirty = false;
        });
        dirty.clear();
    }

    private void forgetLast() {
        lastKey = null;
        lastSlot = null;
    }

    private void forget() {
        forgetLast();
        objects.clear();
        absent.clear();
        dirty.clear();
    }
}
