package io.tripwire.executor.config;

import io.tripwire.schemas.ActionType;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The executor's whole configuration, validated (see {@link ExecutorConfigLoader}).
 *
 * @param baseDir the config file's directory; relative paths were resolved against it
 * @param publicKeyFiles PEM files of the accepted Ed25519 public keys (several during rotation)
 * @param dryRun when true no handler runs: results say what would have run
 * @param handlers handler per action type; a type without one is rejected
 */
public record ExecutorConfig(Path baseDir, KafkaSettings kafka, TopicNames topics, WireSettings wire,
                             List<Path> publicKeyFiles, boolean dryRun, Map<ActionType, HandlerSpec> handlers) {

    public ExecutorConfig {
        publicKeyFiles = List.copyOf(publicKeyFiles);
        handlers = handlers.isEmpty() ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(handlers));
    }

    /** The handler of an action type, if one is configured. */
    public Optional<HandlerSpec> handlerFor(ActionType type) {
        return Optional.ofNullable(handlers.get(type));
    }

    /** Longest time one action can take in any handler, retries included. */
    public Duration worstCasePerAction() {
        return handlers.values().stream().map(HandlerSpec::worstCase).max(Duration::compareTo).orElse(Duration.ZERO);
    }

    /** A copy with another dry-run flag (the CLI's {@code --dry-run}). */
    public ExecutorConfig withDryRun(boolean value) {
        return new ExecutorConfig(baseDir, kafka, topics, wire, publicKeyFiles, value, handlers);
    }

    /** A copy with other Kafka settings (tests, the CLI's {@code --bootstrap-server}). */
    public ExecutorConfig withKafka(KafkaSettings value) {
        return new ExecutorConfig(baseDir, value, topics, wire, publicKeyFiles, dryRun, handlers);
    }

    /** A copy with other topic names. */
    public ExecutorConfig withTopics(TopicNames value) {
        return new ExecutorConfig(baseDir, kafka, value, wire, publicKeyFiles, dryRun, handlers);
    }

    /** A copy with other wire settings. */
    public ExecutorConfig withWire(WireSettings value) {
        return new ExecutorConfig(baseDir, kafka, topics, value, publicKeyFiles, dryRun, handlers);
    }
}
