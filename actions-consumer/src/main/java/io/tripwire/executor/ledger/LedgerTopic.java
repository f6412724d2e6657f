package io.tripwire.executor.ledger;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Makes sure the ledger topic exists and is compacted. A ledger with time-based deletion would
 * forget executed actions after its retention and let their copies run again, so the executor
 * refuses to start on one.
 */
public final class LedgerTopic {

    private static final Logger LOG = LoggerFactory.getLogger(LedgerTopic.class);

    private LedgerTopic() {
    }

    /** Creates {@code name} with cleanup.policy=compact (broker-default partitions and replication) if missing. */
    public static void ensure(Admin admin, String name) throws InterruptedException {
        try {
            Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            if (!names.contains(name)) {
                NewTopic topic = new NewTopic(name, Optional.empty(), Optional.empty())
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
                try {
                    admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
                    LOG.info("created compacted ledger topic {}", name);
                    return;
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, name);
            Config config = admin.describeConfigs(List.of(res)).all().get(30, TimeUnit.SECONDS).get(res);
            String policy = config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
            if (!policy.contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
                throw new IllegalStateException("ledger topic " + name + " has cleanup.policy=" + policy
                        + "; it must be compact, or executed actions are forgotten after retention and run again");
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot check ledger topic " + name + ": " + e.getMessage(), e);
        }
    }
}
