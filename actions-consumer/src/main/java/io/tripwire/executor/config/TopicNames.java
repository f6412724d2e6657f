package io.tripwire.executor.config;

/** The four topics the executor reads and writes. */
public record TopicNames(String actions, String results, String ledger, String deadLetter) {

    /** The defaults of SPEC section 1. */
    public static TopicNames defaults() {
        return new TopicNames("tripwire-actions", "action-results", "action-ledger", "tripwire-dead-letter");
    }
}
