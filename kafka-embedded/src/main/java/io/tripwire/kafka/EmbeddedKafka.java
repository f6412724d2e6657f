package io.tripwire.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka cluster (KRaft, one process that is broker and controller) running inside
 * this JVM, for integration tests, benchmarks and the demo. No Docker, no ZooKeeper.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
 *     kafka.createTopics(3, "request-latency");
 *     Map<String, Object> config = kafka.clientConfig();
 *     ...
 * }
 * }</pre>
 *
 * <p>Ports are picked once, on the first {@link #start()}, from free loopback ports; {@link #stop()}
 * and {@link #restart()} keep them and the log dir, so clients reconnect to the same address and
 * find their data again.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);

    private final Path logDir;
    private final boolean ownsLogDir;
    private final int defaultPartitions;
    private final Optional<ScramUser> scram;
    private final Map<String, String> extraProperties;
    private final Duration startTimeout;

    private BrokerProperties brokerProperties; // fixed on first start
    private KafkaRaftServer server;
    private boolean closed;

    private EmbeddedKafka(Builder b) {
        this.ownsLogDir = b.logDir == null;
        this.logDir = ownsLogDir ? createTempLogDir() : b.logDir;
        this.defaultPartitions = b.defaultPartitions;
        this.scram = Optional.ofNullable(b.scram);
        this.extraProperties = Map.copyOf(b.extraProperties);
        this.startTimeout = b.startTimeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Formats the log dir if it holds no cluster yet, starts the broker and waits until it answers
     * a describeCluster request.
     *
     * @throws IllegalStateException if the broker is not ready within the start timeout
     */
    public synchronized EmbeddedKafka start() {
        if (closed) {
            throw new IllegalStateException("EmbeddedKafka is closed");
        }
        if (server != null) {
            throw new IllegalStateException("EmbeddedKafka is already running at " + bootstrapServers());
        }
        if (brokerProperties == null) {
            int[] ports = freeLoopbackPorts(2);
            brokerProperties = new BrokerProperties(logDir, ports[0], ports[1], defaultPartitions,
                    scram, extraProperties);
        }
        long startedAt = System.nanoTime();
        StorageFormatter.formatIfNeeded(brokerProperties);
        KafkaRaftServer raftServer =
                new KafkaRaftServer(KafkaConfig.fromProps(brokerProperties.toProperties(), false), Time.SYSTEM);
        try {
            raftServer.startup();
            server = raftServer;
            new ClusterProbe(adminConfig()).awaitReady(startTimeout);
        } catch (RuntimeException e) {
            server = null;
            shutdown(raftServer);
            throw e;
        }
        log.info("Kafka broker ready at {} in {} ms (log dir {})", bootstrapServers(),
                Duration.ofNanos(System.nanoTime() - startedAt).toMillis(), logDir);
        return this;
    }

    /** Stops the broker, keeping its ports and log dir so that {@link #start()} can resume it. */
    public synchronized void stop() {
        if (server != null) {
            KafkaRaftServer running = server;
            server = null;
            shutdown(running);
        }
    }

    /** Stops the broker and starts it again on the same ports and log dir; data survives. */
    public synchronized EmbeddedKafka restart() {
        stop();
        return start();
    }

    /** {@code host:port} of the client listener; fixed from the first start on. */
    public synchronized String bootstrapServers() {
        if (brokerProperties == null) {
            throw new IllegalStateException("EmbeddedKafka has not been started");
        }
        return brokerProperties.bootstrapServers();
    }

    /** Whether the broker is currently running. */
    public synchronized boolean isRunning() {
        return server != null;
    }

    public Path logDir() {
        return logDir;
    }

    /**
     * Settings every client needs: {@code bootstrap.servers} and, with SCRAM, the security
     * settings. A fresh mutable map on every call, so callers can add their own settings.
     */
    public Map<String, Object> clientConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        scram.ifPresent(user -> {
            config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
            config.put(SaslConfigs.SASL_MECHANISM, BrokerProperties.SCRAM_MECHANISM);
            config.put(SaslConfigs.SASL_JAAS_CONFIG, user.jaasConfig());
        });
        return config;
    }

    /** Settings for an {@link org.apache.kafka.clients.admin.Admin} client; same as {@link #clientConfig()}. */
    public Map<String, Object> adminConfig() {
        return clientConfig();
    }

    /**
     * Creates topics with one replica each (topics that already exist are left as they are) and
     * waits until every partition has a leader that serves requests, so that the first produce does
     * not meet NOT_LEADER_OR_FOLLOWER.
     */
    public void createTopics(int partitions, String... names) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1, was " + partitions);
        }
        new ClusterProbe(adminConfig()).createTopicsAndAwaitLeaders(partitions, names, startTimeout);
    }

    /** Stops the broker and deletes the log dir, unless the log dir was given to the builder. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        stop();
        closed = true;
        if (ownsLogDir) {
            deleteRecursively(logDir);
        }
    }

    private static void shutdown(KafkaRaftServer raftServer) {
        try {
            raftServer.shutdown();
            raftServer.awaitShutdown();
        } catch (RuntimeException e) {
            log.warn("Kafka broker did not shut down cleanly", e);
        }
    }

    /** Binds all sockets before releasing any, so the ports returned are distinct. */
    private static int[] freeLoopbackPorts(int count) {
        ServerSocket[] sockets = new ServerSocket[count];
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                sockets[i] = new ServerSocket(0, 1, InetAddress.getByName(BrokerProperties.HOST));
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        } finally {
            for (ServerSocket s : sockets) {
                if (s != null) {
                    try {
                        s.close();
                    } catch (IOException ignored) {
                        // the port is released either way
                    }
                }
            }
        }
    }

    private static Path createTempLogDir() {
        try {
            // Build tools point java.io.tmpdir at target/... without always creating it.
            Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
            return Files.createTempDirectory("embedded-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a log dir under java.io.tmpdir", e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            log.warn("could not delete Kafka log dir {}", dir, e);
        }
    }

    /** Options of an {@link EmbeddedKafka}; {@link #build()} creates it without starting it. */
    public static final class Builder {
        private Path logDir;
        private int defaultPartitions = 1;
        private ScramUser scram;
        private final Map<String, String> extraProperties = new LinkedHashMap<>();
        private Duration startTimeout = Duration.ofSeconds(60);

        private Builder() {
        }

        /** Keep the broker's data here (and do not delete it on close); default: a fresh temp dir. */
        public Builder logDir(Path dir) {
            this.logDir = dir;
            return this;
        }

        /** Partitions of auto-created topics ({@code num.partitions}); default 1. */
        public Builder defaultPartitions(int partitions) {
            if (partitions < 1) {
                throw new IllegalArgumentException("partitions must be >= 1, was " + partitions);
            }
            this.defaultPartitions = partitions;
            return this;
        }

        /** One broker property; wins over the defaults of this class. */
        public Builder brokerProperty(String key, String value) {
            extraProperties.put(key, value);
            return this;
        }

        /** Broker properties; they win over the defaults of this class. */
        public Builder brokerProperties(Map<String, String> properties) {
            extraProperties.putAll(properties);
            return this;
        }

        /**
         * Clients authenticate with SCRAM-SHA-512 over SASL_PLAINTEXT as this user, created when the
         * storage is formatted; {@link #clientConfig()} carries the credentials.
         */
        public Builder withScram(String user, String password) {
            this.scram = new ScramUser(user, password);
            return this;
        }

        /** How long {@link #start()} and {@link #createTopics} wait; default 60 s. */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }

        public EmbeddedKafka build() {
            return new EmbeddedKafka(this);
        }
    }
}
