package io.tripwire.cli;

import io.tripwire.json.JsonForm;
import io.tripwire.wire.AvroSerializer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serializer;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * How {@code produce} and {@code override} reach Kafka: {@code --bootstrap-server},
 * {@code --command-config} (client properties for security, as Kafka's own tools take them),
 * {@code --schema-registry-url} and {@code --format}. {@code replay} reads its
 * {@code --command-config} with {@link #commandProperties(Path)}.
 */
public final class ClientOptions {

    /** Value format on the wire; lower case so it reads as typed on the command line. */
    public enum Format { avro, json }

    @Option(names = "--bootstrap-server", paramLabel = "HOST:PORT",
            defaultValue = "${env:TRIPWIRE_BOOTSTRAP_SERVERS:-localhost:9092}",
            description = "Kafka bootstrap servers. Env: TRIPWIRE_BOOTSTRAP_SERVERS. Default: ${DEFAULT-VALUE}.")
    String bootstrapServer;

    public String bootstrapServer() {
        return bootstrapServer;
    }

    @Option(names = "--command-config", paramLabel = "FILE",
            description = "Kafka client properties (security.protocol, sasl.*, ssl.*, ...), as for Kafka's own tools. "
                    + "Schema-registry settings (basic.auth.user.info) may go in the same file.")
    Path commandConfig;

    @Option(names = "--format", paramLabel = "avro|json", defaultValue = "avro",
            description = "Value format: avro (Confluent wire format, schema registered under <topic>-value) "
                    + "or json (the JSON-lines form, one object per record). Default: ${DEFAULT-VALUE}.")
    Format format;

    @Option(names = "--schema-registry-url", paramLabel = "URL",
            defaultValue = "${env:TRIPWIRE_SCHEMA_REGISTRY_URL:-mock://tripwire}",
            description = {"Schema registry for --format avro: http(s)://host:port, or mock://NAME. Env: TRIPWIRE_SCHEMA_REGISTRY_URL. "
                    + "Default: ${DEFAULT-VALUE}.",
                "A mock:// registry lives inside one JVM: an engine in another process cannot read what this command "
                    + "registers there. Across processes use a real registry, or --format json."})
    String schemaRegistryUrl;

    /** The --command-config properties (empty without one). */
    Map<String, Object> commandProperties() throws IOException {
        return commandProperties(commandConfig);
    }

    /** The client properties in {@code file} (a {@code --command-config}), trimmed; empty when {@code file} is null. */
    static Map<String, Object> commandProperties(Path file) throws IOException {
        Map<String, Object> out = new HashMap<>();
        if (file == null) {
            return out;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("--command-config " + file + ": file not found");
        }
        p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k).trim()));
        return out;
    }

    /** Producer settings: the command config, the bootstrap servers, and acks=all with idempotence (no duplicates on retry). */
    public Map<String, Object> producerConfig() throws IOException {
        Map<String, Object> c = commandProperties();
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServer);
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        c.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
        c.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "tripwire-cli");
        return c;
    }

    /** Serializes event values in the chosen format. */
    Serializer<SpecificRecord> valueSerializer() throws IOException {
        if (format == Format.json) {
            return (topic, record) -> record == null ? null : JsonForm.write(record).getBytes(StandardCharsets.UTF_8);
        }
        Map<String, Object> serde = commandProperties();
        serde.put("schema.registry.url", schemaRegistryUrl);
        AvroSerializer<SpecificRecord> avro = new AvroSerializer<>();
        avro.configure(serde, false);
        return avro;
    }
}
