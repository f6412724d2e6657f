package io.tripwire.engine.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Admits at most {@code max} tenants to their own metric series, first come first served, for the
 * life of the process (tenant ids come from data, and each one costs Prometheus a few dozen series).
 * A tenant over the cap is counted once in {@code tripwire_tenants_dropped_total}; to stay bounded
 * it remembers up to {@link #REMEMBERED_DROPPED} dropped tenants and then forgets them all, so past
 * that many a dropped tenant may be counted again (the count still only grows while tenants are
 * dropped, which is what the alert needs).
 */
final class TenantCap<T> {

    static final String DROPPED = "tripwire.tenants.dropped";
    static final int REMEMBERED_DROPPED = 10_000;

    private final int max;
    private final Function<String, T> create;
    private final Map<String, T> admitted = new ConcurrentHashMap<>();
    private final Counter dropped;
    private final Map<String, Boolean> recentlyDropped = new ConcurrentHashMap<>();

    TenantCap(MeterRegistry registry, int max, Function<String, T> create) {
        if (max < 0) {
            throw new IllegalArgumentException("max-tenants must be >= 0, was " + max);
        }
        this.max = max;
        this.create = create;
        this.dropped = Counter.builder(DROPPED)
                .description("Tenants left out of the per-tenant metrics because max-tenants was reached (each counted once)")
                .register(registry);
    }

    /** The tenant's meters, or null when the tenant is over the cap. No allocation once admitted. */
    T get(String tenant) {
        T t = admitted.get(tenant);
        if (t != null || recentlyDropped.containsKey(tenant)) {
            return t;
        }
        return admit(tenant);
    }

    private synchronized T admit(String tenant) {
        T t = admitted.get(tenant);
        if (t != null) {
            return t;
        }
        if (admitted.size() < max) {
            t = create.apply(tenant);
            admitted.put(tenant, t);
            return t;
        }
        if (recentlyDropped.size() >= REMEMBERED_DROPPED) {
            recentlyDropped.clear();
        }
        if (recentlyDropped.put(tenant, Boolean.TRUE) == null) {
            dropped.increment();
        }
        return null;
    }

    int admittedCount() {
        return admitted.size();
    }
}
