package io.tripwire.engine;

import io.tripwire.engine.rules.Rules;
import io.tripwire.engine.topology.EngineTopics;
import io.tripwire.engine.topology.Ingestion;
import io.tripwire.engine.topology.StreamsSettings;
import io.tripwire.engine.topology.TopicNames;
import io.tripwire.engine.topology.TripwireTopology;
import io.tripwire.signing.ActionSigner;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

/**
 * The live engine: the tripwire topology on a {@link KafkaStreams} instance. Before starting it
 * checks that the input topics exist and are co-partitioned by tenant (same partition count), since
 * one task must see all of a tenant's events; it refuses to start otherwise, with the counts found.
 */
public final class TripwireEngine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TripwireEngine.class);

    /**
     * How to reach and name things.
     *
     * @param kafka passed to every Kafka client last: security settings, standby replicas, ...
     */
    public record Settings(String applicationId, String bootstrapServers, Map<String, Object> serdeConfig, Path stateDir,
                           TopicNames topics, EngineTopics.ActionFormat actionFormat, Map<String, Object> kafka) {
    }

    private final KafkaStreams streams;
    private final Topology topology;

    private TripwireEngine(KafkaStreams streams, Topology topology) {
        this.streams = streams;
        this.topology = topology;
    }

    /** Checks the topics, builds the topology and starts it. */
    public static TripwireEngine start(Settings s, Rules rules, ActionSigner signer) {
        return start(s, rules, signer, io.tripwire.engine.topology.EngineObserver.NONE);
    }

    /** As above, with an observer (metrics) of windows, events and actions. */
    public static TripwireEngine start(Settings s, Rules rules, ActionSigner signer, io.tripwire.engine.topology.EngineObserver observer) {
        return start(s, rules, signer, observer, Ingestion.DEFAULTS);
    }

    /** As above, with other sources (OTLP, OPA) and the key rule of {@code ingestion} (docs/ingest.md). */
    public static TripwireEngine start(Settings s, Rules rules, ActionSigner signer, io.tripwire.engine.topology.EngineObserver observer,
                                       Ingestion ingestion) {
        int partitions;
        try (Admin admin = Admin.create(adminConfig(s))) {
            partitions = checkCoPartitioned(admin, s.topics());
            checkExist(admin, java.util.stream.Stream.of(ingestion.otlpSpans(), ingestion.otlpMetrics(), ingestion.opaDecisions())
                    .filter(t -> t != null && !t.isBlank()).toList());
        }
        StreamsBuilder builder = new StreamsBuilder();
        // the re-keying topic gets the input topics' partition count: a tenant's re-keyed events meet its other events
        TripwireTopology.build(builder, EngineTopics.create(s.topics(), s.serdeConfig(), s.actionFormat()), rules, signer, observer,
                ingestion.withPartitions(partitions));
        Topology topology = builder.build();
        KafkaStreams streams = new KafkaStreams(topology,
                StreamsSettings.of(s.applicationId(), s.bootstrapServers(), s.stateDir(), s.topics().deadLetter(), s.kafka()));
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("stream thread died; replacing it (state is restored from the changelogs)", e);
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.setStateListener((now, before) -> LOG.info("engine {} -> {}", before, now));
        streams.start();
        LOG.info("engine started: application.id={} bootstrap={} {} tripwires", s.applicationId(), s.bootstrapServers(), rules.tripwires().size());
        return new TripwireEngine(streams, topology);
    }

    public KafkaStreams streams() {
        return streams;
    }

    public Topology topology() {
        return topology;
    }

    /** Whether the engine is processing (RUNNING) or about to (REBALANCING). */
    public boolean ready() {
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    /** Waits until RUNNING, or fails after {@code timeout}. */
    public void awaitRunning(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > end || streams.state() == KafkaStreams.State.ERROR) {
                throw new IllegalStateException("engine not RUNNING after " + timeout + " (state " + streams.state() + ")");
            }
            Thread.sleep(50);
        }
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
    }

    static Map<String, Object> adminConfig(Settings s) {
        Map<String, Object> c = new HashMap<>(s.kafka());
        c.put("bootstrap.servers", s.bootstrapServers());
        c.keySet().removeIf(k -> k.startsWith("num.standby") || k.startsWith("processing.") || k.startsWith("commit.")
                || k.startsWith("producer.") || k.startsWith("consumer.") || k.startsWith("main.consumer."));
        return c;
    }

    /**
     * Refuses to start unless every input topic exists and all have the same partition count
     * (co-partitioned by tenant: the default partitioner sends a tenant to the same partition number).
     */
    public static int checkCoPartitioned(Admin admin, TopicNames names) {
        Map<String, Integer> partitions = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (String topic : names.inputs()) {
            try {
                TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
                partitions.put(topic, d.partitions().size());
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    missing.add(topic);
                } else {
                    throw new IllegalStateException("cannot describe topic " + topic + ": " + e.getCause().getMessage(), e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("input topics missing: " + missing + " (create them with the same partition count, "
                    + "or run with --create-topics)");
        }
        if (partitions.values().stream().distinct().count() > 1) {
            throw new IllegalStateException("input topics must be co-partitioned by tenant (same partition count), so one task sees "
                    + "all of a tenant's events; found " + partitions.entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ")));
        }
        return partitions.values().iterator().next();
    }

    /** Refuses to start when a configured OTLP or OPA topic does not exist (any partition count will do: it is re-keyed). */
    private static void checkExist(Admin admin, List<String> topics) {
        if (topics.isEmpty()) {
            return;
        }
        try {
            java.util.Set<String> existing = admin.listTopics().names().get();
            List<String> missing = topics.stream().filter(t -> !existing.contains(t)).toList();
            if (!missing.isEmpty()) {
                throw new IllegalStateException("configured source topics missing: " + missing + " (otlp.spans-topic, otlp.metrics-topic, "
                        + "opa.topic in engine.yaml; create them, or let the Collector's kafka exporter create them)");
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot list topics: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Creates the engine's topics that do not exist yet; existing ones are left alone (and checked at start). */
    public static void createTopics(Admin admin, TopicNames names, int partitions, short replication) {
        List<NewTopic> topics = new ArrayList<>();
        for (String t : names.inputs()) {
            topics.add(new NewTopic(t, partitions, replication));
        }
        topics.add(new NewTopic(names.results(), partitions, replication));
        for (String t : List.of(names.actions(), names.deadLetter(), names.signals())) {
            // records carry event time; a backfill of old events would otherwise be deleted by time retention
            // at once. The broker stamps these topics with the time it appends (consumers key on the value).
            topics.add(new NewTopic(t, partitions, replication).configs(Map.of("message.timestamp.type", "LogAppendTime")));
        }
        for (NewTopic t : topics) {
            try {
                admin.createTopics(List.of(t)).all().get();
                LOG.info("created topic {} ({} partitions, replication {})", t.name(), partitions, replication);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topic " + t.name() + ": " + e.getCause().getMessage(), e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        awaitVisible(admin, topics.stream().map(NewTopic::name).toList(), Duration.ofSeconds(30));
    }

    /** Topic metadata is eventually consistent: waits until every topic can be described. */
    private static void awaitVisible(Admin admin, List<String> names, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                admin.describeTopics(names).allTopicNames().get();
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > end) {
                    throw new IllegalStateException("topics not visible after " + timeout + ": " + e.getCause().getMessage(), e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }
}
