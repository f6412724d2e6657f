package io.tripwire.engine.state;

import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

import java.util.Map;

/**
 * Builds a {@link WriteBackStore} on top of what {@code inner} builds (metered, changelogging,
 * in-memory). The inner builder should have Kafka Streams' record cache disabled: this store
 * already writes each key at most once per commit, so that cache would only hold a second copy.
 */
public final class WriteBackStoreBuilder<K, V> implements StoreBuilder<KeyValueStore<K, V>> {

    private final StoreBuilder<KeyValueStore<K, V>> inner;
    private final int capacity;

    public WriteBackStoreBuilder(StoreBuilder<KeyValueStore<K, V>> inner, int capacity) {
        this.inner = inner;
        this.capacity = capacity;
    }

    @Override
    public StoreBuilder<KeyValueStore<K, V>> withCachingEnabled() {
        inner.withCachingEnabled();
        return this;
    }

    @Override
    public StoreBuilder<KeyValueStore<K, V>> withCachingDisabled() {
        inner.withCachingDisabled();
        return this;
    }

    @Override
    public StoreBuilder<KeyValueStore<K, V>> withLoggingEnabled(Map<String, String> config) {
        inner.withLoggingEnabled(config);
        return this;
    }

    @Override
    public StoreBuilder<KeyValueStore<K, V>> withLoggingDisabled() {
        inner.withLoggingDisabled();
        return this;
    }

    @Override
    public KeyValueStore<K, V> build() {
        return new WriteBackStore<>(inner.build(), capacity);
    }

    @Override
    public Map<String, String> logConfig() {
        return inner.logConfig();
    }

    @Override
    public boolean loggingEnabled() {
        return inner.loggingEnabled();
    }

    @Override
    public String name() {
        return inner.name();
    }
}
