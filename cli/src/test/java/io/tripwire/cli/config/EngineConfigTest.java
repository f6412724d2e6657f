package io.tripwire.cli.config;

import io.tripwire.engine.topology.EngineTopics.ActionFormat;
import io.tripwire.engine.topology.TopicNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EngineConfigTest {

    @TempDir
    Path dir;

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("engine.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void anEmptyFileGivesTheDefaults() throws IOException {
        EngineConfig c = EngineConfig.load(write(""), Map.of());

        assertThat(c.applicationId()).isEqualTo("tripwire-engine");
        assertThat(c.bootstrapServers()).isEqualTo("localhost:9092");
        assertThat(c.schemaRegistryUrl()).isEqualTo("mock://tripwire");
        assertThat(c.stateDir()).isEqualTo(dir.resolve("state").toAbsolutePath());
        assertThat(c.rules()).isNull();
        assertThat(c.signingKey()).isNull();
        assertThat(c.actionFormat()).isEqualTo(ActionFormat.AVRO);
        assertThat(c.topics()).isEqualTo(TopicNames.DEFAULTS);
        assertThat(c.metrics()).isEqualTo(new EngineConfig.Metrics("127.0.0.1", 9464, 1000));
        assertThat(c.kafka()).isEmpty();
        assertThat(c.serdeConfig()).isEqualTo(Map.of("schema.registry.url", "mock://tripwire"));
    }

    @Test
    void everyKeyOfTheShippedFileIsOverriddenByOneRuleFromTheEnvironment() throws IOException {
        // every scalar key present in the shipped file (comments aside) is one the rule covers
        java.util.List<String> shippedKeys = new java.util.ArrayList<>();
        com.fasterxml.jackson.databind.JsonNode tree = new com.fasterxml.jackson.databind.ObjectMapper(
                new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(Path.of("..", "config", "engine.yaml").toFile());
        tree.properties().forEach(e -> {
            if (e.getValue().isObject()) {
                if (!e.getKey().equals("kafka") && !e.getKey().equals("schema-registry")) {
                    e.getValue().properties().forEach(inner -> shippedKeys.add(e.getKey() + "." + inner.getKey()));
                }
            } else if (e.getValue().isValueNode() && !e.getValue().isNull()) { // kafka: and schema-registry: hold only comments
                shippedKeys.add(e.getKey());
            }
        });
        assertThat(EngineConfigLoader.SCALAR_KEYS).containsAll(shippedKeys);

        Files.writeString(dir.resolve("other-rules.yaml"), "grace: 30s\n");
        Files.writeString(dir.resolve("key.pem"), "x");
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                "TRIPWIRE_APPLICATION_ID", "from-env",
                "TRIPWIRE_BOOTSTRAP_SERVERS", "broker-9:9093",
                "TRIPWIRE_SCHEMA_REGISTRY_URL", "http://registry:8081",
                "TRIPWIRE_STATE_DIR", dir.resolve("env-state").toString(),
                "TRIPWIRE_RULES", dir.resolve("other-rules.yaml").toString(),
                "TRIPWIRE_SIGNING_KEY", dir.resolve("key.pem").toString(),
                "TRIPWIRE_ACTION_FORMAT", "json",
                "TRIPWIRE_METRICS_HOST", "0.0.0.0",
                "TRIPWIRE_METRICS_PORT", "9999",
                "TRIPWIRE_METRICS_MAX_TENANTS", "7"));
        env.put("TRIPWIRE_TOPICS_REQUEST_LATENCY", "gw.requests");
        env.put("TRIPWIRE_TOPICS_TRIPWIRE_DEAD_LETTER", "ops.dlq");
        env.put("TRIPWIRE_SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO", "u:p");
        env.put("TRIPWIRE_KAFKA_SECURITY_PROTOCOL", "SASL_SSL");
        env.put("TRIPWIRE_KAFKA_LOG_LEVEL", "info"); // the log level, not a Kafka setting
        env.put("TRIPWIRE_STRICT_KEYS", "true");
        env.put("TRIPWIRE_OTLP_SPANS_TOPIC", "otlp_spans");
        env.put("TRIPWIRE_OTLP_SERVICES", "ingest-gateway=ingest");
        env.put("TRIPWIRE_OPA_TOPIC", "opa-decision-logs");
        env.put("TRIPWIRE_OPA_TENANT_PATH", "input.org.tenant");
        EngineConfig c = EngineConfig.load(Path.of("..", "config", "engine.yaml"), env);

        assertThat(c.applicationId()).isEqualTo("from-env");
        assertThat(c.bootstrapServers()).isEqualTo("broker-9:9093");
        assertThat(c.schemaRegistryUrl()).isEqualTo("http://registry:8081");
        assertThat(c.stateDir()).isEqualTo(dir.resolve("env-state").toAbsolutePath());
        assertThat(c.rules()).isEqualTo(dir.resolve("other-rules.yaml").toAbsolutePath());
        assertThat(c.signingKey()).isEqualTo(dir.resolve("key.pem").toAbsolutePath());
        assertThat(c.actionFormat()).isEqualTo(ActionFormat.JSON);
        assertThat(c.metrics()).isEqualTo(new EngineConfig.Metrics("0.0.0.0", 9999, 7));
        assertThat(c.topics().requests()).isEqualTo("gw.requests");
        assertThat(c.topics().deadLetter()).isEqualTo("ops.dlq");
        assertThat(c.schemaRegistry()).containsEntry("basic.auth.user.info", "u:p");
        assertThat(c.kafka()).containsEntry("security.protocol", "SASL_SSL").doesNotContainKey("log.level");
        assertThat(c.ingestion().strictKeys()).isTrue();
        assertThat(c.ingestion().otlpSpans()).isEqualTo("otlp_spans");
        assertThat(c.ingestion().otlpMetrics()).isNull(); // "" in the shipped file: off
        assertThat(c.ingestion().opaDecisions()).isEqualTo("opa-decision-logs");
        assertThat(c.ingestion().mapping().services()).containsEntry("ingest-gateway", "ingest");
        assertThat(c.ingestion().mapping().tenantPath()).isEqualTo("input.org.tenant");
        for (String key : EngineConfigLoader.SCALAR_KEYS) {
            assertThat(EngineConfigLoader.envName(key)).startsWith("TRIPWIRE_").doesNotContain("-").doesNotContain(".");
        }
    }

    @Test
    void aBadValueOfAnyKeyFromTheEnvironmentNamesItsVariable() {
        assertThatThrownBy(() -> EngineConfig.load(Path.of("..", "config", "engine.yaml"), Map.of("TRIPWIRE_ACTION_FORMAT", "xml")))
                .hasMessageContaining("TRIPWIRE_ACTION_FORMAT (environment): 'xml' is not allowed; use avro or json");
        assertThatThrownBy(() -> EngineConfig.load(Path.of("..", "config", "engine.yaml"), Map.of("TRIPWIRE_METRICS_PORT", "99999")))
                .hasMessageContaining("TRIPWIRE_METRICS_PORT (environment): '99999' is not allowed");
    }

    @Test
    void theShippedEngineYamlLoadsWithItsDocumentedDefaults() throws IOException {
        Path shipped = Path.of("..", "config", "engine.yaml");
        EngineConfig c = EngineConfig.load(shipped, Map.of());

        assertThat(c.applicationId()).isEqualTo("tripwire-engine");
        assertThat(c.topics()).isEqualTo(TopicNames.DEFAULTS);
        assertThat(c.rules()).isEqualTo(Path.of("..", "config", "tripwires.yaml").toAbsolutePath().normalize());
        assertThat(c.stateDir()).isEqualTo(Path.of("..", "config", "state").toAbsolutePath().normalize());
    }

    @Test
    void readsEverySettingAndResolvesPathsAgainstTheFilesDirectory() throws IOException {
        Files.writeString(dir.resolve("rules.yaml"), "grace: 30s\n");
        Files.createDirectories(dir.resolve("keys"));
        Files.writeString(dir.resolve("keys/private.pem"), "x");
        EngineConfig c = EngineConfig.load(write("""
                application-id: tw-prod
                bootstrap-servers: b1:9093,b2:9093
                schema-registry-url: https://registry:8081
                schema-registry:
                  basic.auth.user.info: "svc:hunter2"
                state-dir: data/state
                rules: rules.yaml
                signing-key: keys/private.pem
                action-format: JSON
                topics:
                  request-latency: prod.request-latency
                  tripwire-actions: prod.tripwire-actions
                metrics: {host: 0.0.0.0, port: 9500}
                kafka:
                  security.protocol: SASL_SSL
                  num.standby.replicas: 1
                """), Map.of());

        assertThat(c.applicationId()).isEqualTo("tw-prod");
        assertThat(c.bootstrapServers()).isEqualTo("b1:9093,b2:9093");
        assertThat(c.serdeConfig()).containsEntry("schema.registry.url", "https://registry:8081")
                .containsEntry("basic.auth.user.info", "svc:hunter2");
        assertThat(c.stateDir()).isEqualTo(dir.resolve("data/state").toAbsolutePath());
        assertThat(c.rules()).isEqualTo(dir.resolve("rules.yaml").toAbsolutePath());
        assertThat(c.signingKey()).isEqualTo(dir.resolve("keys/private.pem").toAbsolutePath());
        assertThat(c.actionFormat()).isEqualTo(ActionFormat.JSON);
        assertThat(c.topics().requests()).isEqualTo("prod.request-latency");
        assertThat(c.topics().actions()).isEqualTo("prod.tripwire-actions");
        assertThat(c.topics().policy()).isEqualTo("policy-decisions");
        assertThat(c.metrics()).isEqualTo(new EngineConfig.Metrics("0.0.0.0", 9500, 1000));
        assertThat(c.kafka()).isEqualTo(Map.of("security.protocol", "SASL_SSL", "num.standby.replicas", "1"));
        assertThat(c.engineSettings().kafka()).containsEntry("security.protocol", "SASL_SSL");
    }

    @Test
    void environmentOverridesSingleValuesAndKafkaSettings() throws IOException {
        Path file = write("""
                application-id: from-file
                bootstrap-servers: file:9092
                kafka:
                  security.protocol: PLAINTEXT
                """);
        EngineConfig c = EngineConfig.load(file, Map.of(
                "TRIPWIRE_APPLICATION_ID", "from-env",
                "TRIPWIRE_BOOTSTRAP_SERVERS", "env-1:9093,env-2:9093",
                "TRIPWIRE_SCHEMA_REGISTRY_URL", "http://registry:8081",
                "TRIPWIRE_STATE_DIR", "/var/lib/tripwire",
                "TRIPWIRE_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "TRIPWIRE_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "TRIPWIRE_RULES_GRACE", "45s",
                "HOME", "/root"));

        assertThat(c.applicationId()).isEqualTo("from-env");
        assertThat(c.bootstrapServers()).isEqualTo("env-1:9093,env-2:9093");
        assertThat(c.schemaRegistryUrl()).isEqualTo("http://registry:8081");
        assertThat(c.stateDir()).isEqualTo(Path.of("/var/lib/tripwire"));
        assertThat(c.kafka()).isEqualTo(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512"));
    }

    @Test
    void theMetricsEndpointCanBeMovedFromTheEnvironmentForContainers() throws IOException {
        EngineConfig c = EngineConfig.load(write("metrics: {host: 127.0.0.1, port: 9464}\n"),
                Map.of("TRIPWIRE_METRICS_HOST", "0.0.0.0", "TRIPWIRE_METRICS_PORT", "9500"));
        assertThat(c.metrics()).isEqualTo(new EngineConfig.Metrics("0.0.0.0", 9500, 1000));
    }

    @Test
    void aSigningKeyFromTheEnvironmentIsRelativeToTheWorkingDirectory() throws IOException {
        Path key = Files.writeString(dir.resolve("k.pem"), "x");
        EngineConfig c = EngineConfig.load(write("signing-key: missing.pem\n"), Map.of("TRIPWIRE_SIGNING_KEY", key.toString()));

        assertThat(c.signingKey()).isEqualTo(key.toAbsolutePath());
    }

    @Test
    void theCohortAttributeIsReadFromTheFileOrTheEnvironmentAndEmptyReadsNone() throws IOException {
        assertThat(EngineConfig.load(write(""), Map.of()).ingestion().mapping().cohortAttribute()).isEqualTo("tripwire.cohort");
        assertThat(EngineConfig.load(Path.of("..", "config", "engine.yaml"), Map.of()).ingestion().mapping().cohortAttribute())
                .isEqualTo("tripwire.cohort");
        assertThat(EngineConfig.load(write("otlp: {cohort-attribute: deployment.cohort}\n"), Map.of()).ingestion().mapping()
                .cohortAttribute()).isEqualTo("deployment.cohort");
        assertThat(EngineConfig.load(write("otlp: {cohort-attribute: \"\"}\n"), Map.of()).ingestion().mapping().cohortAttribute())
                .isEmpty();
        assertThat(EngineConfig.load(write("otlp: {cohort-attribute: \"\"}\n"), Map.of("TRIPWIRE_OTLP_COHORT_ATTRIBUTE", "rollout.side"))
                .ingestion().mapping().cohortAttribute()).isEqualTo("rollout.side");
    }

    @Test
    void aCohortAttributeThatCannotHoldTheCohortIsRefusedWithWhy() throws IOException {
        Path file = write("otlp: {cohort-attribute: service.version}\n");
        assertThatThrownBy(() -> EngineConfig.load(file, Map.of())).isInstanceOf(EngineConfigException.class)
                .hasMessage(file + ": otlp.cohort-attribute: 'service.version' is already read as the version; use the attribute that "
                        + "holds canary or baseline, or leave it empty to judge requests by service.version alone");
        assertThatThrownBy(() -> EngineConfig.load(write("otlp: {tenant-attribute: org, cohort-attribute: org}\n"), Map.of()))
                .hasMessageContaining("otlp.cohort-attribute: 'org' is already read as the tenant (otlp.tenant-attribute)");
        assertThatThrownBy(() -> EngineConfig.load(write(""), Map.of("TRIPWIRE_OTLP_COHORT_ATTRIBUTE", "deployment cohort")))
                .hasMessage("TRIPWIRE_OTLP_COHORT_ATTRIBUTE (environment): 'deployment cohort' is not an attribute name (no spaces; "
                        + "e.g. tripwire.cohort), or leave it empty to read no cohort");
    }

    @Test
    void anUnknownKeyIsNamedWithTheAllowedOnes() throws IOException {
        Path file = write("bootstrap-server: b:9092\n");

        assertThatThrownBy(() -> EngineConfig.load(file, Map.of()))
                .isInstanceOf(EngineConfigException.class)
                .hasMessageStartingWith(file + ": bootstrap-server: unknown key; allowed: application-id, bootstrap-servers,");
    }

    @Test
    void aBadActionFormatNamesFileKeyAndTheAllowedValues() throws IOException {
        Path file = write("action-format: xml\n");

        assertThatThrownBy(() -> EngineConfig.load(file, Map.of()))
                .hasMessage(file + ": action-format: 'xml' is not allowed; use avro or json");
    }

    @Test
    void aBadValueFromTheEnvironmentNamesTheVariable() throws IOException {
        Path file = write("");

        assertThatThrownBy(() -> EngineConfig.load(file, Map.of("TRIPWIRE_BOOTSTRAP_SERVERS", "broker")))
                .hasMessageStartingWith("TRIPWIRE_BOOTSTRAP_SERVERS (environment): 'broker' is not host:port");
    }

    @Test
    void rejectsBadValuesWithWhatIsAllowed() throws IOException {
        assertThatThrownBy(() -> EngineConfig.load(write("metrics: {port: 70000}\n"), Map.of()))
                .hasMessageEndingWith("metrics.port: '70000' is not allowed; use 1-65535, or 0 to turn metrics off");
        assertThatThrownBy(() -> EngineConfig.load(write("topics: {requests: r}\n"), Map.of()))
                .hasMessageContaining("topics.requests: unknown key; allowed: request-latency, metric-samples,");
        assertThatThrownBy(() -> EngineConfig.load(write("topics: {request-latency: metric-samples}\n"), Map.of()))
                .hasMessageContaining("topics: 'metric-samples' names both request-latency and metric-samples; every topic needs its own name");
        assertThatThrownBy(() -> EngineConfig.load(write("schema-registry-url: registry:8081\n"), Map.of()))
                .hasMessageContaining("schema-registry-url: 'registry:8081' is not allowed; use mock://NAME");
        assertThatThrownBy(() -> EngineConfig.load(write("kafka:\n  sasl:\n    mechanism: PLAIN\n"), Map.of()))
                .hasMessageContaining("kafka.sasl: expected a single value, got a mapping (write Kafka settings flat");
        assertThatThrownBy(() -> EngineConfig.load(write("kafka: {bootstrap.servers: x:1}\n"), Map.of()))
                .hasMessageContaining("kafka.bootstrap.servers: set this with the top-level key 'bootstrap-servers'");
        assertThatThrownBy(() -> EngineConfig.load(write("application-id: 'my app'\n"), Map.of()))
                .hasMessageContaining("application-id: 'my app' is not allowed; use letters, digits");
        assertThatThrownBy(() -> EngineConfig.load(write("rules: nowhere.yaml\n"), Map.of()))
                .hasMessageContaining("rules: file " + dir.resolve("nowhere.yaml").toAbsolutePath() + " not found");
        assertThatThrownBy(() -> EngineConfig.load(write("a: [\n"), Map.of()))
                .hasMessageContaining("engine.yaml: not valid YAML");
        assertThatThrownBy(() -> EngineConfig.load(dir.resolve("absent.yaml"), Map.of()))
                .hasMessage(dir.resolve("absent.yaml") + ": file not found");
    }

    @Test
    void describeMasksSecretsButShowsTheRest() throws IOException {
        EngineConfig c = EngineConfig.load(write("""
                schema-registry-url: https://svc:pw@registry:8081
                schema-registry: {basic.auth.user.info: "svc:hunter2"}
                kafka:
                  security.protocol: SASL_SSL
                  sasl.jaas.config: org.apache.kafka.common.security.scram.ScramLoginModule required username="u" password="hunter2";
                  ssl.truststore.password: hunter2
                """), Map.of());

        Map<String, String> d = c.describe();

        assertThat(d.toString()).doesNotContain("hunter2").doesNotContain("pw@");
        assertThat(d).containsEntry("kafka.security.protocol", "SASL_SSL")
                .containsEntry("kafka.sasl.jaas.config", "***")
                .containsEntry("kafka.ssl.truststore.password", "***")
                .containsEntry("schema-registry.basic.auth.user.info", "***")
                .containsEntry("schema-registry-url", "https://***@registry:8081")
                .containsEntry("topics.tripwire-actions", "tripwire-actions");
    }
}
