package io.tripwire.cli;

import io.tripwire.cli.config.EngineConfig;
import io.tripwire.cli.config.EngineConfigException;
import io.tripwire.engine.ingest.IngestSettings;
import io.tripwire.engine.replay.FileReplay;
import io.tripwire.engine.replay.ReplayTopics;
import io.tripwire.engine.replay.TopicReplay;
import io.tripwire.engine.topology.Ingestion;
import io.tripwire.engine.topology.TopicNames;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * How {@code replay}, {@code gate} and {@code evidence} read the cluster: where it is, and which
 * topics the engine reads there (its six input topics, and the OTLP and OPA topics of its
 * configuration), decoded as the engine decodes them. One set of options, so that a new input is
 * added in one place. {@code --engine-config} also says how OTLP and OPA lines of a file read.
 */
public final class TopicOptions {

    @Option(names = "--bootstrap-server", paramLabel = "HOST:PORT",
            description = "Topic mode: Kafka bootstrap servers (instead of --input).")
    public String bootstrapServer;

    @Option(names = "--command-config", paramLabel = "FILE",
            description = "Kafka client properties (security.protocol, sasl.*, ssl.*, timeouts), as for Kafka's own tools; "
                    + "schema-registry settings (basic.auth.user.info) may go in the same file. group.id is ignored.")
    Path commandConfig;

    @Option(names = "--schema-registry-url", paramLabel = "URL",
            defaultValue = "${env:TRIPWIRE_SCHEMA_REGISTRY_URL:-mock://tripwire}",
            description = "Schema registry of the Avro values: http(s)://host:port, or mock://NAME (in this JVM only). "
                    + "Env: TRIPWIRE_SCHEMA_REGISTRY_URL. Default: ${DEFAULT-VALUE}.")
    String schemaRegistryUrl;

    @Option(names = "--topic-prefix", paramLabel = "PREFIX", defaultValue = "",
            description = "PREFIX in front of every topic name, as given to the engine and produce.")
    String topicPrefix;

    @Option(names = "--engine-config", paramLabel = "engine.yaml",
            description = {"The engine's configuration, read as 'run' reads it (TRIPWIRE_ environment overrides included): the topics "
                    + "to read (topics:, otlp.spans-topic, otlp.metrics-topic, opa.topic) and how OTLP and OPA records, and such lines "
                    + "of a file, become events (otlp:, opa:; docs/ingest.md). Default: the default topic names, no OTLP or OPA "
                    + "topic, OpenTelemetry's semantic conventions and OPA's event fields."})
    Path engineConfig;

    @Option(names = "--otlp-spans-topic", paramLabel = "TOPIC",
            description = "Topic mode: also read the OpenTelemetry Collector's OTLP traces from TOPIC (otlp.spans-topic of engine.yaml; "
                    + "this option wins over it, '' turns it off).")
    String otlpSpansTopic;

    @Option(names = "--otlp-metrics-topic", paramLabel = "TOPIC",
            description = "Topic mode: also read the Collector's OTLP metrics from TOPIC (otlp.metrics-topic).")
    String otlpMetricsTopic;

    @Option(names = "--opa-topic", paramLabel = "TOPIC",
            description = "Topic mode: also read OPA decision-log events from TOPIC (opa.topic).")
    String opaTopic;

    @Option(names = "--ingest-margin", paramLabel = "D", converter = DurationConverter.class, defaultValue = "15m",
            description = {"Topic mode: the OTLP and OPA topics hold batches sent after the spans and decisions in them (OPA uploads "
                    + "every 5-10 minutes by default), so they are read by Kafka timestamp from D before the window to D after it, "
                    + "and their events kept by their own time in the window. Default: ${DEFAULT-VALUE}."})
    Duration ingestMargin;

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec mixee;

    private EngineConfig loaded;

    /** Whether any option that only topic mode uses was given (for commands whose file mode must refuse them). */
    public boolean anyTopicOption() {
        return bootstrapServer != null || commandConfig != null || !topicPrefix.isEmpty() || otlpSpansTopic != null
                || otlpMetricsTopic != null || opaTopic != null;
    }

    /** {@code replay} picks topic mode by --from/--to: its servers default as produce's do, to $TRIPWIRE_BOOTSTRAP_SERVERS, else localhost:9092. */
    public void defaultBootstrapServer(Map<String, String> env) {
        if (bootstrapServer == null) {
            bootstrapServer = env.getOrDefault("TRIPWIRE_BOOTSTRAP_SERVERS", "localhost:9092");
        }
    }

    /** The input and output topics: engine.yaml's topics:, else the default names with --topic-prefix. */
    public TopicNames names() {
        EngineConfig c = engineConfig();
        return c != null ? c.topics() : TopicNames.withPrefix(topicPrefix);
    }

    /** How OTLP and OPA records and file lines become events: engine.yaml's otlp: and opa:, else the defaults. */
    public IngestSettings mapping() {
        EngineConfig c = engineConfig();
        return c != null ? c.ingestion().mapping() : IngestSettings.DEFAULTS;
    }

    /** Every topic the engine reads, and the margin around the window of its OTLP and OPA topics. */
    public ReplayTopics topics() {
        EngineConfig c = engineConfig();
        Ingestion base = c != null ? c.ingestion() : Ingestion.DEFAULTS;
        Ingestion ingestion = new Ingestion(or(otlpSpansTopic, base.otlpSpans()), or(otlpMetricsTopic, base.otlpMetrics()),
                or(opaTopic, base.opaDecisions()), base.mapping(), base.strictKeys(), base.partitions());
        try {
            return new ReplayTopics(names(), ingestion, ingestMargin);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    /** An option's value when given ('' for none), else the configuration's. */
    private static String or(String option, String configured) {
        String v = option != null ? option : configured;
        return v == null || v.isBlank() ? null : v.trim();
    }

    private EngineConfig engineConfig() {
        if (engineConfig == null || loaded != null) {
            return loaded;
        }
        if (!topicPrefix.isEmpty()) {
            throw usage("give --topic-prefix or --engine-config, not both: the engine configuration names the topics (topics:)");
        }
        try {
            loaded = EngineConfig.load(engineConfig, System.getenv());
        } catch (EngineConfigException | IOException e) {
            throw usage("--engine-config: " + e.getMessage());
        }
        return loaded;
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(mixee.commandLine(), message);
    }

    /** Kafka client settings of the command config, with the bootstrap servers; a bad --command-config is a usage error (exit 2). */
    public Map<String, Object> client() throws IOException {
        try {
            return clientConfig(commandConfig, bootstrapServer);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    /** Serde settings: the command config (registry credentials) and the registry URL. */
    public Map<String, Object> serde() throws IOException {
        try {
            return serdeConfig(commandConfig, schemaRegistryUrl);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
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

    /** The reader of every topic the engine reads (no group, no commits, nothing written). */
    public TopicReplay reader() throws IOException {
        return new TopicReplay(client(), serde(), topics());
    }

    /** Reads every topic the engine reads in {@code window} into memory. */
    public TopicReplay.Read read(TopicReplay.Window window, FileReplay.Progress progress) throws IOException {
        return reader().read(window, progress);
    }
}
