package io.tripwire.engine.topology;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * Kafka Streams settings of the engine. Defaults chosen for tripwires that must fire within about
 * 100 ms: exactly_once_v2 with a 100 ms commit interval (a read_committed consumer sees an action
 * at the next commit). One stream thread per available processor (Kafka Streams' default is one:
 * the engine is CPU-bound, and a second thread on a 2-core machine gave 2.4x the throughput in
 * {@code bench}; threads beyond the number of tasks stay idle). No record cache: the stores keep
 * their values as objects and write each changed one once per commit (WriteBackStore).
 */
public final class StreamsSettings {

    private StreamsSettings() {
    }

    /**
     * @param appId     application.id (consumer group and prefix of internal topics)
     * @param bootstrap bootstrap.servers
     * @param stateDir  state.dir, kept out of the OS temp directory
     * @param dlqTopic  dead-letter topic
     * @param overrides anything else, passed through last (e.g. security settings, num.standby.replicas)
     */
    public static Properties of(String appId, String bootstrap, Path stateDir, String dlqTopic, Map<String, ?> overrides) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Runtime.getRuntime().availableProcessors());
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0L);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG, EventTime.class);
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterDeserializationHandler.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingHandler.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        p.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, dlqTopic);
        p.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        overrides.forEach(p::put);
        return p;
    }
}
