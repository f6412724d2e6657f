package io.tripwire.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class BrokerPropertiesTest {

    private static final Path LOG_DIR = Path.of("/data/kafka");

    @Test
    void plaintextNodeIsBrokerAndControllerWithSingleReplicaInternalTopics() {
        Properties p = new BrokerProperties(LOG_DIR, 9092, 9093, 3, Optional.empty(), Map.of()).toProperties();

        assertThat(p)
                .containsEntry("process.roles", "broker,controller")
                .containsEntry("listeners", "BROKER://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093")
                .containsEntry("advertised.listeners", "BROKER://127.0.0.1:9092")
                .containsEntry("controller.quorum.bootstrap.servers", "127.0.0.1:9093")
                .containsEntry("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,BROKER:PLAINTEXT")
                .containsEntry("num.partitions", "3")
                .containsEntry("offsets.topic.replication.factor", "1")
                .containsEntry("transaction.state.log.replication.factor", "1")
                .containsEntry("transaction.state.log.min.isr", "1")
                .containsEntry("share.coordinator.state.topic.replication.factor", "1")
                .containsEntry("group.initial.rebalance.delay.ms", "0")
                .containsEntry("log.dirs", "/data/kafka");
    }

    @Test
    void scramSecuresOnlyTheClientListener() {
        Properties p = new BrokerProperties(LOG_DIR, 9092, 9093, 1,
                Optional.of(new ScramUser("alice", "secret")), Map.of()).toProperties();

        assertThat(p)
                .containsEntry("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,BROKER:SASL_PLAINTEXT")
                .containsEntry("sasl.enabled.mechanisms", "SCRAM-SHA-512")
                .containsEntry("sasl.mechanism.inter.broker.protocol", "SCRAM-SHA-512");
        assertThat(p.getProperty("listener.name.broker.scram-sha-512.sasl.jaas.config"))
                .contains("username=\"alice\"", "password=\"secret\"");
    }

    @Test
    void extraPropertiesWinOverDefaults() {
        Properties p = new BrokerProperties(LOG_DIR, 9092, 9093, 1, Optional.empty(),
                Map.of("offsets.topic.num.partitions", "50")).toProperties();

        assertThat(p).containsEntry("offsets.topic.num.partitions", "50");
    }

    @Test
    void scramUserRefusesCharactersThatStorageToolOrJaasWouldMisread() {
        assertThat(new ScramUser("alice", "s3cret").storageToolArgument())
                .isEqualTo("SCRAM-SHA-512=[name=alice,password=s3cret]");
        assertThat(new ScramUser("alice", "s3cret")).hasToString("ScramUser[name=alice, password=***]");
        for (String bad : new String[] {"", "a,b", "a\"b", "a]b", "a b", "a=b"}) {
            assertThatThrownBy(() -> new ScramUser("alice", bad)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
