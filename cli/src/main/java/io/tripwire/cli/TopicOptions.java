package io.tripwire.cli;

import io.tripwire.engine.replay.FileReplay;
import io.tripwire.engine.replay.TopicReplay;
import io.tripwire.engine.topology.TopicNames;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** How {@code gate} and {@code evidence} read a window of the cluster's topics (as {@code replay}'s topic mode does). */
public final class TopicOptions {

    @Option(names = "--bootstrap-server", paramLabel = "HOST:PORT",
            description = "Topic mode: Kafka bootstrap servers (instead of --input).")
    public String bootstrapServer;

    @Option(names = "--command-config", paramLabel = "FILE",
            description = "Kafka client properties (security.protocol, sasl.*, ssl.*, ...), as for Kafka's own tools.")
    Path commandConfig;

    @Option(names = "--schema-registry-url", paramLabel = "URL",
            defaultValue = "${env:TRIPWIRE_SCHEMA_REGISTRY_URL:-mock://tripwire}",
            description = "Schema registry of the Avro values. Env: TRIPWIRE_SCHEMA_REGISTRY_URL. Default: ${DEFAULT-VALUE}.")
    String schemaRegistryUrl;

    @Option(names = "--topic-prefix", paramLabel = "PREFIX", defaultValue = "",
            description = "PREFIX in front of every topic name, as given to the engine.")
    String topicPrefix;

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec mixee;

    public TopicNames names() {
        return TopicNames.withPrefix(topicPrefix);
    }

    /** Kafka client settings of the command config, with the bootstrap servers; a bad --command-config is a usage error (exit 2). */
    public Map<String, Object> client() throws IOException {
        try {
            return clientConfig(commandConfig, bootstrapServer);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(mixee.commandLine(), e.getMessage());
        }
    }

    /** Serde settings: the command config (registry credentials) and the registry URL. */
    public Map<String, Object> serde() throws IOException {
        try {
            return serdeConfig(commandConfig, schemaRegistryUrl);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(mixee.commandLine(), e.getMessage());
        }
    }

    /** The properties of {@code commandConfig} (may be null) with the bootstrap servers: how every topic mode reads. */
    static Map<String, Object> clientConfig(Path commandConfig, String bootstrapServers) throws IOException {
        Map<String, Object> c = ClientOptions.commandProperties(commandConfig);
        c.put("bootstrap.servers", bootstrapServers);
        return c;
    }

    /** The properties of {@code commandConfig} (registry credentials) with the schema registry URL, for the Avro serde. */
    static Map<String, Object> serdeConfig(Path commandConfig, String schemaRegistryUrl) throws IOException {
        Map<String, Object> s = new HashMap<>(ClientOptions.commandProperties(commandConfig));
        s.put("schema.registry.url", schemaRegistryUrl);
        return s;
    }

    /** Reads the six input topics in {@code window} (no group, no commits, nothing written). */
    public TopicReplay.Read read(TopicReplay.Window window, FileReplay.Progress progress) throws IOException {
        return new TopicReplay(client(), serde(), names()).read(window, progress);
    }
}
