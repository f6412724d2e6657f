package io.tripwire.engine.report;

import io.tripwire.schemas.Op;

import java.util.Map;

/** Readable names and units of the signals of SPEC section 5, for chart captions and axes. */
final class SignalNames {

    /** A caption and the unit of the value axis (empty for ratios). */
    record Described(String title, String unit) {
    }

    /** The canary judgement's e-value (SPEC 3 "Canary judgement"): one series per canary key, drawn on a log axis. */
    static final String CANARY_E_WORSE = "canary_e_worse";

    private static final Map<String, Described> KNOWN = Map.of(
            "latency_p95_ms", new Described("p95 latency (5m window)", "ms"),
            "latency_p99_ms", new Described("p99 latency (5m window)", "ms"),
            "error_budget_remaining", new Described("error budget remaining (24h)", "fraction"),
            "burn_rate_1h", new Described("burn rate (1h)", "× budget rate"),
            "compensation_rate", new Described("compensation rate (24h)", "fraction"),
            "autonomy_rate", new Described("autonomy rate (24h)", "fraction"),
            "simulation_delta", new Described("simulation delta (24h, SIMULATE ops)", "fraction"),
            "replica_lag_seconds", new Described("replica lag", "seconds"));

    private static final Described CANARY_LATENCY = new Described("canary vs baseline: slow requests (e_worse, per stage)", "e-value (log)");
    private static final Described CANARY_ERRORS = new Described("canary vs baseline: 5xx (e_worse, per stage)", "e-value (log)");

    private SignalNames() {
    }

    /** The caption and unit of a chart of {@code signal} × {@code scope}: only a canary key's depends on its scope. */
    static Described describe(String signal, String scope) {
        if (signal.equals(CANARY_E_WORSE)) {
            return latencyKey(scope) ? CANARY_LATENCY : CANARY_ERRORS;
        }
        return KNOWN.getOrDefault(signal, new Described(signal, ""));
    }

    /**
     * Whether a canary_e_worse series is a canary-latency key (its scope is an op) rather than a
     * canary-errors one (a service): the signal line does not say which comparison wrote it.
     */
    static boolean latencyKey(String scope) {
        for (Op op : Op.values()) {
            if (op.name().equals(scope)) {
                return true;
            }
        }
        return false;
    }
}
