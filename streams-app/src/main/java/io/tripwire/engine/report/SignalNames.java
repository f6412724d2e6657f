package io.tripwire.engine.report;

import java.util.Map;

/** Readable names and units of the signals of SPEC section 5, for chart captions and axes. */
final class SignalNames {

    /** A caption and the unit of the value axis (empty for ratios). */
    record Described(String title, String unit) {
    }

    private static final Map<String, Described> KNOWN = Map.of(
            "latency_p95_ms", new Described("p95 latency (5m window)", "ms"),
            "latency_p99_ms", new Described("p99 latency (5m window)", "ms"),
            "error_budget_remaining", new Described("error budget remaining (24h)", "fraction"),
            "burn_rate_1h", new Described("burn rate (1h)", "× budget rate"),
            "compensation_rate", new Described("compensation rate (24h)", "fraction"),
            "autonomy_rate", new Described("autonomy rate (24h)", "fraction"),
            "replica_lag_seconds", new Described("replica lag", "seconds"));

    private SignalNames() {
    }

    static Described describe(String signal) {
        return KNOWN.getOrDefault(signal, new Described(signal, ""));
    }
}
