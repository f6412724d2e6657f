package io.tripwire.engine;

import io.tripwire.schemas.RequestLatency;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generated labelled traffic of one tenant for the canary specification tests: requests at a
 * steady rate, each canary with probability {@code canaryShare}, failing (503) and slow
 * (log-normal latency around a median, σ 0.35) at its cohort's rates. Latencies are whole
 * milliseconds up to 1 s, distinct at the histograms' resolution, so "slower than τ" is exact.
 * {@link #healthy}: 0.02% of requests fail (half the api error-budget rate), median 120 ms.
 * Deterministic for a seed.
 *
 * @param service the service of every request, or null: api and ingest half and half
 * @param op      the op of every request, or null: READ and WRITE half and half
 * @param onset   the canary behaves like the baseline before this time (a late-onset regression); null: from the start
 */
public record CanaryTraffic(String tenant, String service, String op, Instant from, Duration span, double perSecond,
                            double canaryShare, double baselineErrors, double canaryErrors, double baselineMedianMs,
                            double canaryMedianMs, Instant onset, long seed) {

    public static CanaryTraffic healthy(String tenant, Instant from, Duration span, double perSecond, double canaryShare, long seed) {
        return new CanaryTraffic(tenant, "api", "READ", from, span, perSecond, canaryShare, 0.0002, 0.0002, 120, 120, null, seed);
    }

    public CanaryTraffic canary(double errors, double medianMs) {
        return new CanaryTraffic(tenant, service, op, from, span, perSecond, canaryShare, baselineErrors, errors, baselineMedianMs,
                medianMs, onset, seed);
    }

    public CanaryTraffic from(Instant onsetAt) {
        return new CanaryTraffic(tenant, service, op, from, span, perSecond, canaryShare, baselineErrors, canaryErrors, baselineMedianMs,
                canaryMedianMs, onsetAt, seed);
    }

    /** Requests spread over two services and both ops: four canary keys per tenant. */
    public CanaryTraffic mixed() {
        return new CanaryTraffic(tenant, null, null, from, span, perSecond, canaryShare, baselineErrors, canaryErrors, baselineMedianMs,
                canaryMedianMs, onset, seed);
    }

    public CanaryTraffic share(double share) {
        return new CanaryTraffic(tenant, service, op, from, span, perSecond, share, baselineErrors, canaryErrors, baselineMedianMs,
                canaryMedianMs, onset, seed);
    }

    public List<RequestLatency> requests() {
        SplittableRandom rnd = new SplittableRandom(seed);
        long n = Math.round(span.toMillis() / 1000.0 * perSecond);
        double step = 1000.0 / perSecond;
        List<RequestLatency> out = new ArrayList<>((int) n);
        for (long i = 0; i < n; i++) {
            Instant t = from.plusMillis(Math.round(i * step));
            boolean canary = rnd.nextDouble() < canaryShare;
            boolean regressed = canary && (onset == null || !t.isBefore(onset));
            boolean bad = rnd.nextDouble() < (regressed ? canaryErrors : baselineErrors);
            double median = regressed ? canaryMedianMs : baselineMedianMs;
            double ms = Math.max(1, Math.min(1000, Math.round(median * Math.exp(0.35 * rnd.nextGaussian()))));
            String svc = service != null ? service : rnd.nextBoolean() ? "api" : "ingest";
            String o = op != null ? op : rnd.nextBoolean() ? "READ" : "WRITE";
            out.add(Events.labelled(t, tenant, svc, o, bad ? 503 : 200, ms, canary ? "canary" : "baseline"));
        }
        return out;
    }
}
