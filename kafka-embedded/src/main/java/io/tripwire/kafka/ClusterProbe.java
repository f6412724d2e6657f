package io.tripwire.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;

/** Admin-client checks that the broker is usable: it answers, and topics have serving leaders. */
final class ClusterProbe {

    private static final long RETRY_PAUSE_MS = 100;

    private final Map<String, Object> adminConfig;

    ClusterProbe(Map<String, Object> adminConfig) {
        this.adminConfig = new HashMap<>(adminConfig);
        this.adminConfig.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        this.adminConfig.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 100);
    }

    void awaitReady(Duration timeout) {
        Map<String, Object> config = new HashMap<>(adminConfig);
        int timeoutMs = (int) timeout.toMillis();
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
        // the admin client refuses a request timeout above the API timeout
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(5_000, timeoutMs));
        try (Admin admin = Admin.create(config)) {
            if (admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS).isEmpty()) {
                throw new IllegalStateException("Kafka broker at " + bootstrap() + " reports no nodes");
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka broker at " + bootstrap() + " did not become ready within "
                    + timeout.toSeconds() + " s (describeCluster: " + rootMessage(e) + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the Kafka broker", e);
        }
    }

    void createTopicsAndAwaitLeaders(int partitions, String[] names, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(adminConfig)) {
            List<NewTopic> topics = Arrays.stream(names)
                    .map(name -> new NewTopic(name, partitions, (short) 1))
                    .collect(Collectors.toList());
            for (Map.Entry<String, KafkaFuture<Void>> created : admin.createTopics(topics).values().entrySet()) {
                try {
                    created.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + created.getKey()
                                + ": " + rootMessage(e), e);
                    }
                }
            }
            awaitServingLeaders(admin, List.of(names), deadline);
        } catch (TimeoutException e) {
            throw new IllegalStateException("creating topics " + Arrays.toString(names) + " timed out", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }

    /**
     * A leader in the metadata is not enough: the replica manager may not host the partition yet.
     * ListOffsets goes to the leader's replica manager, so its success means a produce will too.
     */
    private void awaitServingLeaders(Admin admin, Collection<String> topics, long deadline)
            throws InterruptedException {
        String lastProblem = "";
        while (System.nanoTime() < deadline) {
            try {
                Map<String, TopicDescription> described =
                        admin.describeTopics(topics).allTopicNames().get(5, TimeUnit.SECONDS);
                List<TopicPartition> partitions = new ArrayList<>();
                boolean allLed = true;
                for (TopicDescription topic : described.values()) {
                    for (var p : topic.partitions()) {
                        partitions.add(new TopicPartition(topic.name(), p.partition()));
                        allLed &= p.leader() != null && !p.leader().isEmpty();
                    }
                }
                if (allLed) {
                    Map<TopicPartition, OffsetSpec> latest = partitions.stream()
                            .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
                    admin.listOffsets(latest).all().get(5, TimeUnit.SECONDS);
                    return;
                }
                lastProblem = "some partitions have no leader yet";
            } catch (ExecutionException | TimeoutException e) {
                lastProblem = rootMessage(e);
            }
            Thread.sleep(RETRY_PAUSE_MS);
        }
        throw new IllegalStateException("topics " + topics + " have no serving leader on " + bootstrap()
                + " yet (" + lastProblem + ")");
    }

    private String bootstrap() {
        return String.valueOf(adminConfig.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }
}
