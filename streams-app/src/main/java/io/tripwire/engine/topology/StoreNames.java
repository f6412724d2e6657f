package io.tripwire.engine.topology;

/** State stores, named after what they hold (each backed by a changelog topic). */
public final class StoreNames {

    /** Per tenant × input topic: the tenant's stream time on that topic (max event time seen). */
    public static final String TENANT_CLOCK = "tenant-clock";
    /** Per tenant × service × minute: request counts [total, bad]. */
    public static final String REQUEST_BUCKETS = "request-buckets";
    /** Per tenant × service: running sums of request counts over each rolling window. */
    public static final String REQUEST_SUMS = "request-sums";
    /** Per tenant × op × minute: HdrHistogram of latencies (compressed encoding). */
    public static final String LATENCY_BUCKETS = "latency-buckets";
    /** Per tenant × op: last minute boundary evaluated and the minutes with data. */
    public static final String LATENCY_CURSORS = "latency-cursors";
    /** Per tenant × metric series: the last sample's minute and value. */
    public static final String METRIC_SERIES = "metric-series";
    /** Per tenant × minute: ENACT autonomy counts [decided, autonomous, compensated]. */
    public static final String AUTONOMY_BUCKETS = "autonomy-buckets";
    /** Per tenant: running sums of ENACT autonomy counts over each rolling window. */
    public static final String AUTONOMY_SUMS = "autonomy-sums";
    /** Per tripwire × tenant × scope: held-for run start and firing state. */
    public static final String TRIPWIRE_STATE = "tripwire-state";
    /** Per tenant: last rollout step and ramp freeze. */
    public static final String TENANT_STATE = "tenant-state";
    /** Per tenant: the current canary stage and its keys' open minute buckets (counts per cohort), τ of their minutes. */
    public static final String CANARY_TENANTS = "canary-tenants";
    /** Per canary tripwire × tenant × scope: the stage's totals, log e-values, fired and passed. */
    public static final String CANARY_STATE = "canary-state";
    /** Per tenant: the approval tokens of honoured overrides, each until its notAfter. */
    public static final String APPROVAL_TOKENS = "approval-tokens";

    /** Every store, for wiring them to the processor. */
    public static final String[] ALL = {TENANT_CLOCK, REQUEST_BUCKETS, REQUEST_SUMS, LATENCY_BUCKETS, LATENCY_CURSORS,
        METRIC_SERIES, AUTONOMY_BUCKETS, AUTONOMY_SUMS, TRIPWIRE_STATE, TENANT_STATE, CANARY_TENANTS, CANARY_STATE, APPROVAL_TOKENS};

    private StoreNames() {
    }
}
