package io.tripwire.engine.ingest;

import io.tripwire.schemas.MetricSample;
import io.tripwire.wire.DecodeException;
import io.tripwire.wire.DecodeException.Reason;
import io.tripwire.wire.EventValidation;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * A gauge or sum point of a configured metric (default {@code pg_replica_lag_seconds}) as a metric
 * event: tenant from the point's attributes, then the resource's; ts the point's time; labels the
 * point's other attributes (so {@code replica="db-2"} names the series, as in Prometheus).
 */
public final class MetricMapping {

    private final IngestSettings s;

    public MetricMapping(IngestSettings settings) {
        this.s = settings;
    }

    /** Whether the point is of a metric the engine reads; the others are counted as skipped. */
    public boolean isRead(OtlpPoint p) {
        return s.metrics().contains(p.metric());
    }

    public MetricSample map(OtlpPoint p, String where) {
        String at = where + ": metric " + p.metric();
        Object tenant = p.attributes().containsKey(s.tenantAttribute()) ? p.attributes().get(s.tenantAttribute())
                : p.resource().get(s.tenantAttribute());
        if (tenant == null || tenant.toString().isBlank()) {
            throw new DecodeException(Reason.MISSING_FIELD, s.tenantAttribute(), at + ": no " + s.tenantAttribute()
                    + " attribute on the data point or its resource, so no tenant to count it for");
        }
        Map<String, String> labels = new TreeMap<>();
        p.attributes().forEach((k, v) -> {
            if (!k.equals(s.tenantAttribute())) {
                labels.put(k, v.toString());
            }
        });
        MetricSample m = MetricSample.newBuilder().setTs(Instant.ofEpochMilli(Math.floorDiv(p.timeNanos(), 1_000_000L)))
                .setTenant(tenant.toString()).setName(p.metric()).setValue(p.value()).setLabels(labels).build();
        try {
            return EventValidation.validate(m);
        } catch (DecodeException e) {
            throw new DecodeException(e.kind(), e.field(), at + ": " + e.getMessage(), e);
        }
    }
}
