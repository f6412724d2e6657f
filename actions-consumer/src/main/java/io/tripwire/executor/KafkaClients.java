package io.tripwire.executor;

import io.tripwire.executor.config.ExecutorConfig;
import io.tripwire.executor.config.KafkaSettings;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The Kafka clients of one executor instance. User properties ({@code kafka.properties}) come first;
 * the settings the guarantee rests on (read_committed, no auto-commit, the transactional id) are
 * set after them and cannot be overridden.
 */
final class KafkaClients {

    private final KafkaSettings kafka;
    private final Duration worstCasePerAction;

    KafkaClients(ExecutorConfig config) {
        this.kafka = config.kafka();
        this.worstCasePerAction = config.worstCasePerAction();
    }

    private Map<String, Object> common(String suffix) {
        Map<String, Object> p = new HashMap<>(kafka.properties());
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(CommonClientConfigs.CLIENT_ID_CONFIG, kafka.transactionalId() + "-" + suffix);
        return p;
    }

    /** The action consumer: the group, read_committed, offsets committed only through the producer's transactions. */
    KafkaConsumer<byte[], byte[]> actionConsumer() {
        Map<String, Object> p = common("actions");
        p.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // a poll loop may run every record of a batch to its worst case before polling again
        long interval = Math.max(300_000L, kafka.maxPollRecords() * worstCasePerAction.toMillis() + 60_000L);
        p.putIfAbsent(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, interval));
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, kafka.maxPollRecords());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, kafka.groupId());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** The ledger reader's consumer: no group, read_committed. */
    KafkaConsumer<byte[], byte[]> ledgerConsumer() {
        Map<String, Object> p = common("ledger");
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** The transactional producer of results, ledger entries, dead letters and offsets. */
    KafkaProducer<byte[], byte[]> producer() {
        Map<String, Object> p = common("producer");
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, kafka.transactionalId());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    Admin admin() {
        return Admin.create(common("admin"));
    }
}
