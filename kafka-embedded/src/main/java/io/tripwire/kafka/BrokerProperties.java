package io.tripwire.kafka;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The server.properties of a one-node KRaft cluster that is broker and controller at once.
 *
 * <p>Client traffic uses the {@code BROKER} listener (PLAINTEXT, or SASL_PLAINTEXT with SCRAM);
 * the {@code CONTROLLER} listener always stays PLAINTEXT on loopback.
 */
record BrokerProperties(Path logDir, int brokerPort, int controllerPort, int defaultPartitions,
                        Optional<ScramUser> scram, Map<String, String> extra) {

    static final String BROKER_LISTENER = "BROKER";
    static final String CONTROLLER_LISTENER = "CONTROLLER";
    static final String HOST = "127.0.0.1";
    static final String SCRAM_MECHANISM = "SCRAM-SHA-512";

    String bootstrapServers() {
        return HOST + ":" + brokerPort;
    }

    Properties toProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.bootstrap.servers", HOST + ":" + controllerPort);
        p.put("listeners", BROKER_LISTENER + "://" + bootstrapServers() + ","
                + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", BROKER_LISTENER + "://" + bootstrapServers());
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("inter.broker.listener.name", BROKER_LISTENER);
        p.put("listener.security.protocol.map", CONTROLLER_LISTENER + ":PLAINTEXT,"
                + BROKER_LISTENER + ":" + (scram.isPresent() ? "SASL_PLAINTEXT" : "PLAINTEXT"));
        p.put("log.dirs", logDir.toAbsolutePath().toString());
        p.put("num.partitions", Integer.toString(defaultPartitions));

        // One node: every internal topic has a single replica.
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        // Fewer coordinator partitions: the first group or transaction does not wait for 50 logs.
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.num.partitions", "4");
        p.put("group.initial.rebalance.delay.ms", "0");
        // The default 128 MB dedupe buffer is allocated eagerly; tests share a small heap.
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));

        scram.ifPresent(user -> {
            p.put("sasl.enabled.mechanisms", SCRAM_MECHANISM);
            p.put("sasl.mechanism.inter.broker.protocol", SCRAM_MECHANISM);
            // The broker talks to itself over the BROKER listener (e.g. transaction markers).
            p.put("listener.name." + BROKER_LISTENER.toLowerCase() + "."
                    + SCRAM_MECHANISM.toLowerCase() + ".sasl.jaas.config", user.jaasConfig());
        });
        p.putAll(extra);

        Properties props = new Properties();
        props.putAll(p);
        return props;
    }
}
