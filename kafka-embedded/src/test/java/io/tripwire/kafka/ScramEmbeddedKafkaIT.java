package io.tripwire.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** Clients authenticate with SCRAM-SHA-512; the controller listener stays PLAINTEXT. */
class ScramEmbeddedKafkaIT {

    @Test
    void scramClientsProduceTransactionallyAndStrangersAreRefused() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().withScram("alice", "s3cret").build().start()) {
            assertThat(kafka.clientConfig())
                    .containsEntry("security.protocol", "SASL_PLAINTEXT")
                    .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
            kafka.createTopics(1, "action-results");

            // a transaction needs the broker to reach itself over the SASL listener (markers)
            Map<String, Object> config = new HashMap<>(kafka.clientConfig());
            config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "scram-it");
            try (KafkaProducer<String, String> producer =
                         new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
                producer.initTransactions();
                producer.beginTransaction();
                for (int i = 0; i < 20; i++) {
                    producer.send(new ProducerRecord<>("action-results", "tenant-" + i, "ok-" + i));
                }
                producer.commitTransaction();
            }
            assertThat(new TopicRecords(kafka.clientConfig(), "action-results")
                    .consume(20, "read_committed", Duration.ofSeconds(30))).hasSize(20);

            Map<String, Object> stranger = new HashMap<>(kafka.adminConfig());
            stranger.put(SaslConfigs.SASL_JAAS_CONFIG, kafka.clientConfig().get(SaslConfigs.SASL_JAAS_CONFIG)
                    .toString().replace("s3cret", "guess"));
            stranger.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
            stranger.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
            try (Admin admin = Admin.create(stranger)) {
                assertThatThrownBy(() -> admin.describeCluster().nodes().get(15, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class)
                        .hasCauseInstanceOf(SaslAuthenticationException.class);
            }

            // the credential lives in the metadata log, so it survives a restart
            kafka.restart();
            assertThat(new TopicRecords(kafka.clientConfig(), "action-results")
                    .consume(20, "read_committed", Duration.ofSeconds(30))).hasSize(20);
        }
    }
}
