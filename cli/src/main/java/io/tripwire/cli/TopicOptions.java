package io.tripwire.cli;

import io.tripwire.engine.replay.FileReplay;
import io.tripwire.engine.replay.TopicReplay;
import io.tripwire.engine.topology.TopicNames;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** How {@code gate} and {@code evidence} read a window of the cluster's topics (as {@code replay}'s topic mode does). */
public final class TopicOptions {

    @Option(names = "--bootstrap-server", paramLabel = "HOST:PORT",
            description = "Topic mode: Kafka bootstrap servers (instead of --input). Env: TRIPWIRE_BOOTSTRAP_SERVERS.")
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

    /** The bootstrap servers: the option, else TRIPWIRE_BOOTSTRAP_SERVERS, else null (file mode). */
    public String bootstrap() {
        return bootstrapServer != null ? bootstrapServer : System.getenv("TRIPWIRE_BOOTSTRAP_SERVERS");
    }

    public TopicNames names() {
        return TopicNames.withPrefix(topicPrefix);
    }

    /** Kafka client settings of the command config, with the bootstrap servers. */
    public Map<String, Object> client() throws IOException {
        Map<String, Object> c = ClientOptions.commandProperties(commandConfig);
        c.put("bootstrap.servers", bootstrap());
        return c;
    }

    /** Serde settings: the command config (registry credentials) and the registry URL. */
    public Map<String, Object> serde() throws IOException {
        Map<String, Object> s = new HashMap<>(ClientOptions.commandProperties(commandConfig));
        s.put("schema.registry.url", schemaRegistryUrl);
        return s;
    }

    /** Reads the six input topics in {@code window} (no group, no commits, nothing written). */
    public TopicReplay.Read read(TopicReplay.Window window, FileReplay.Progress progress) throws IOException {
        return new TopicReplay(client(), serde(), names()).read(window, progress);
    }
}
