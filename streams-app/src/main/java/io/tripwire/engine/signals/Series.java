package io.tripwire.engine.signals;

import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/** Name of a metric series, Prometheus style: {@code pg_replica_lag_seconds{replica="db-2"}} (labels sorted). */
public final class Series {

    private Series() {
    }

    public static String of(String metric, Map<String, String> labels) {
        if (labels == null || labels.isEmpty()) {
            return metric;
        }
        StringJoiner j = new StringJoiner(",", metric + "{", "}");
        new TreeMap<>(labels).forEach((k, v) -> j.add(k + "=\"" + v + "\""));
        return j.toString();
    }
}
