package io.tripwire.engine.tripwires;

import io.tripwire.engine.signals.StoreKeys;

/**
 * What the canary tripwires are evaluated on (SPEC 3, "Canary judgement"): one closed minute
 * bucket of a canary key, or the end of the key's stage.
 *
 * <ul>
 *   <li>{@link Kind#ERRORS}: tenant × service; bad = status ≥ 500.</li>
 *   <li>{@link Kind#LATENCY}: tenant × op; bad = slower than τ, the baseline's p95 over the five
 *       minutes before the bucket ({@code tauMs}; NaN when that window held fewer than min-events
 *       baseline requests, and then nothing is slow).</li>
 *   <li>{@link Kind#TRAFFIC}: the tenant; every labelled request, for the traffic-split check.</li>
 * </ul>
 *
 * @param at       the bucket's end (a closed bucket), or the time the stage ended (the next rollout step)
 * @param minute   the bucket's minute (epoch minutes), or -1 at a stage's end
 * @param stage    the stage the bucket belongs to (at a stage's end: the stage that ended)
 */
public record CanaryBucket(Kind kind, String tenant, String scope, long at, long minute, long canary, long canaryBad,
                           long baseline, long baselineBad, double tauMs, CanaryStage stage) {

    public enum Kind { ERRORS, LATENCY, TRAFFIC }

    /** The scope of the traffic key. */
    public static final String TRAFFIC_SCOPE = "traffic";

    /** The stage of this key ended (a rollout step began the next): resolve, start afresh. */
    public boolean stageEnd() {
        return minute < 0;
    }

    /** The key of a canary key within its tenant: kind and scope, e.g. {@code ERRORS␟api}. */
    public static String key(Kind kind, String scope) {
        return StoreKeys.of(kind.name(), scope);
    }

    public static CanaryBucket stageEnd(Kind kind, String tenant, String scope, long at, CanaryStage ended) {
        return new CanaryBucket(kind, tenant, scope, at, -1, 0, 0, 0, 0, Double.NaN, ended);
    }
}
