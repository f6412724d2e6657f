package io.tripwire.cli.config;

import io.tripwire.engine.TripwireEngine;
import io.tripwire.engine.topology.EngineTopics.ActionFormat;
import io.tripwire.engine.topology.TopicNames;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How {@code tripwire run} reaches Kafka and the schema registry, what it names things and where it
 * keeps state; read from a YAML file ({@code config/engine.yaml}) with environment overrides by
 * {@link EngineConfigLoader}. Immutable. Relative paths in the file are already resolved against
 * the file's directory.
 *
 * @param source            the file it was read from
 * @param schemaRegistry    extra serde settings (e.g. {@code basic.auth.user.info})
 * @param rules             tripwire rules file, or null for the default
 * @param signingKey        Ed25519 private key file, or null (ephemeral key)
 * @param kafka             passed through to every Kafka client (security, standby replicas, ...)
 * @param ingestion         OTLP and OPA sources, their mapping, and the key rule (otlp:, opa:, strict-keys; docs/ingest.md)
 */
public record EngineConfig(Path source, String applicationId, String bootstrapServers, String schemaRegistryUrl,
                           Map<String, String> schemaRegistry, Path stateDir, Path rules, Path signingKey,
                           ActionFormat actionFormat, TopicNames topics, Metrics metrics, Map<String, String> kafka,
                           io.tripwire.engine.topology.Ingestion ingestion) {

    /**
     * Where the engine serves its Prometheus metrics (port 0 turns the endpoint off), and how many
     * tenants get their own series (tenants come from data; see docs/metrics.md).
     */
    public record Metrics(String host, int port, int maxTenants) {
    }

    /** The YAML key of each topic (its default name, SPEC section 1), in {@link TopicNames} order. */
    public static final List<String> TOPIC_KEYS = List.of(TopicNames.DEFAULTS.requests(), TopicNames.DEFAULTS.metrics(),
            TopicNames.DEFAULTS.autonomy(), TopicNames.DEFAULTS.policy(), TopicNames.DEFAULTS.rollout(),
            TopicNames.DEFAULTS.overrides(), TopicNames.DEFAULTS.actions(), TopicNames.DEFAULTS.results(),
            TopicNames.DEFAULTS.deadLetter(), TopicNames.DEFAULTS.signals());

    public EngineConfig {
        schemaRegistry = Map.copyOf(schemaRegistry);
        kafka = Map.copyOf(kafka);
    }

    /** Reads {@code file}, then applies overrides from {@code env} (pass {@code System.getenv()}). */
    public static EngineConfig load(Path file, Map<String, String> env) throws IOException {
        return EngineConfigLoader.load(file, env);
    }

    /** Serde settings: {@code schema.registry.url} plus the {@code schema-registry:} extras. */
    public Map<String, Object> serdeConfig() {
        Map<String, Object> c = new HashMap<>(schemaRegistry);
        c.put("schema.registry.url", schemaRegistryUrl);
        return c;
    }

    /** The engine's settings. */
    public TripwireEngine.Settings engineSettings() {
        return new TripwireEngine.Settings(applicationId, bootstrapServers, serdeConfig(), stateDir, topics, actionFormat,
                new HashMap<>(kafka));
    }

    /** Every effective setting as {@code key -> value}, flat, secrets masked by {@link Redact}: for the startup log. */
    public Map<String, String> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("application-id", applicationId);
        d.put("bootstrap-servers", bootstrapServers);
        d.put("schema-registry-url", schemaRegistryUrl);
        schemaRegistry.forEach((k, v) -> d.put("schema-registry." + k, v));
        d.put("state-dir", stateDir);
        d.put("rules", rules == null ? "(default)" : rules);
        d.put("signing-key", signingKey == null ? "(ephemeral)" : signingKey);
        d.put("action-format", actionFormat.name().toLowerCase());
        List<String> names = List.of(topics.requests(), topics.metrics(), topics.autonomy(), topics.policy(), topics.rollout(),
                topics.overrides(), topics.actions(), topics.results(), topics.deadLetter(), topics.signals());
        for (int i = 0; i < TOPIC_KEYS.size(); i++) {
            d.put("topics." + TOPIC_KEYS.get(i), names.get(i));
        }
        d.put("metrics", metrics.port() == 0 ? "off" : metrics.host() + ":" + metrics.port());
        d.put("strict-keys", ingestion.strictKeys());
        d.put("otlp.spans-topic", ingestion.otlpSpans() == null ? "(off)" : ingestion.otlpSpans());
        d.put("otlp.metrics-topic", ingestion.otlpMetrics() == null ? "(off)" : ingestion.otlpMetrics());
        d.put("opa.topic", ingestion.opaDecisions() == null ? "(off)" : ingestion.opaDecisions());
        new java.util.TreeMap<>(kafka).forEach((k, v) -> d.put("kafka." + k, v));
        Map<String, String> out = new LinkedHashMap<>();
        d.forEach((k, v) -> out.put(k, Redact.value(k, v)));
        return out;
    }
}
