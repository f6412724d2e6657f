package io.tripwire.executor.config;

import java.util.Map;

/**
 * Kafka client settings of the executor.
 *
 * @param bootstrapServers broker list
 * @param groupId the one consumer group of all executor instances
 * @param transactionalId stable and distinct per instance, so a restarted instance aborts the
 *                        transaction its previous incarnation left open
 * @param maxPollRecords records fetched per poll
 * @param properties extra client properties (security, timeouts), applied to every client
 */
public record KafkaSettings(String bootstrapServers, String groupId, String transactionalId,
                            int maxPollRecords, Map<String, String> properties) {
    public KafkaSettings {
        properties = Map.copyOf(properties);
    }
}
