package io.tripwire.cli;

import io.tripwire.schemas.Op;
import io.tripwire.schemas.RequestLatency;

import java.time.Instant;
import java.util.Random;

/**
 * Made-up gateway traffic for load and demo runs: request-latency events for TENANT_000..N-1 in
 * turn, event time = now, status 200 except for a fraction {@code errorRate} of 503s, latencies
 * log-normal with a median of 120 ms (most between 70 and 200 ms, a thin tail past 350 ms).
 */
public final class SyntheticRequests {

    private static final double MEDIAN_MS = 120.0;
    // sigma 0.3: p95 about 1.64 sigma above the median, ~196 ms, under the read-latency threshold
    private static final double SIGMA = 0.3;

    private final int tenants;
    private final double errorRate;
    private final Random random;
    private final double canaryShare;
    private long sequence;

    public SyntheticRequests(int tenants, double errorRate, long seed) {
        this(tenants, errorRate, seed, Double.NaN);
    }

    /**
     * @param canaryShare when a number, every request carries a cohort (SPEC 3 "Canary judgement"):
     *                    canary with this probability, else baseline; NaN: no labels
     */
    public SyntheticRequests(int tenants, double errorRate, long seed, double canaryShare) {
        this.tenants = tenants;
        this.errorRate = errorRate;
        this.random = new Random(seed);
        this.canaryShare = canaryShare;
    }

    public RequestLatency next() {
        long n = sequence++;
        boolean write = random.nextDouble() < 0.2;
        double latency = MEDIAN_MS * Math.exp(SIGMA * random.nextGaussian()) * (write ? 1.5 : 1.0);
        return RequestLatency.newBuilder()
                .setTs(Instant.now())
                .setTenant(String.format("TENANT_%03d", n % tenants))
                .setService("api")
                .setOp(write ? Op.WRITE : Op.READ)
                .setStatus(random.nextDouble() < errorRate ? 503 : 200)
                .setLatencyMs(Math.round(latency * 10) / 10.0)
                .setRegion("eu-west-1")
                .setRoute("/graphql")
                .setRequestId("syn-" + n)
                .setCohort(Double.isNaN(canaryShare) ? null : random.nextDouble() < canaryShare ? "canary" : "baseline")
                .build();
    }
}
