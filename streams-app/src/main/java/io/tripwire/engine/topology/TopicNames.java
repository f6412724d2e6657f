package io.tripwire.engine.topology;

/**
 * Topic names (SPEC section 1 defaults; every one configurable).
 */
public record TopicNames(String requests, String metrics, String autonomy, String policy, String rollout,
                         String overrides, String actions, String results, String deadLetter, String signals) {

    public static final TopicNames DEFAULTS = new TopicNames("request-latency", "metric-samples", "autonomy-decisions",
            "policy-decisions", "rollout-steps", "hitl-overrides", "tripwire-actions", "action-results",
            "tripwire-dead-letter", "tripwire-signals");

    /** The input topics, which must be co-partitioned by tenant. */
    public java.util.List<String> inputs() {
        return java.util.List.of(requests, metrics, autonomy, policy, rollout, overrides);
    }
}
