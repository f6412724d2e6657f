package io.tripwire.engine.topology;

/**
 * Topic names (SPEC section 1 defaults; every one configurable).
 */
public record TopicNames(String requests, String metrics, String autonomy, String policy, String rollout,
                         String overrides, String actions, String results, String deadLetter, String signals) {

    public static final TopicNames DEFAULTS = new TopicNames("request-latency", "metric-samples", "autonomy-decisions",
            "policy-decisions", "rollout-steps", "hitl-overrides", "tripwire-actions", "action-results",
            "tripwire-dead-letter", "tripwire-signals");

    /** The default names with {@code prefix} in front of each (tests, several deployments on one cluster). */
    public static TopicNames withPrefix(String prefix) {
        TopicNames d = DEFAULTS;
        return new TopicNames(prefix + d.requests, prefix + d.metrics, prefix + d.autonomy, prefix + d.policy,
                prefix + d.rollout, prefix + d.overrides, prefix + d.actions, prefix + d.results, prefix + d.deadLetter,
                prefix + d.signals);
    }

    /** The input topic that carries {@code event}, by its record type, or null for a record that is no input event. */
    public String topicOf(org.apache.avro.specific.SpecificRecord event) {
        return switch (event.getSchema().getName()) {
            case "RequestLatency" -> requests;
            case "MetricSample" -> metrics;
            case "AutonomyDecision" -> autonomy;
            case "PolicyDecision" -> policy;
            case "RolloutStep" -> rollout;
            case "HumanOverride" -> overrides;
            default -> null;
        };
    }

    /** The input topics, which must be co-partitioned by tenant. */
    public java.util.List<String> inputs() {
        return java.util.List.of(requests, metrics, autonomy, policy, rollout, overrides);
    }
}
