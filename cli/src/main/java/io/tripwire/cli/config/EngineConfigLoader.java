package io.tripwire.cli.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tripwire.engine.ingest.IngestSettings;
import io.tripwire.engine.topology.EngineTopics.ActionFormat;
import io.tripwire.engine.topology.Ingestion;
import io.tripwire.engine.topology.TopicNames;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads {@link EngineConfig} from YAML, then applies single-value environment overrides. Every
 * error names the file (or the environment variable), the key and what is allowed there.
 */
final class EngineConfigLoader {

    /** Environment prefix of Kafka client settings: {@code TRIPWIRE_KAFKA_SECURITY_PROTOCOL} sets {@code security.protocol}. */
    static final String KAFKA_ENV_PREFIX = "TRIPWIRE_KAFKA_";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final List<String> TOP_KEYS = List.of("application-id", "bootstrap-servers", "schema-registry-url",
            "schema-registry", "state-dir", "rules", "signing-key", "action-format", "strict-keys", "topics", "metrics", "otlp", "opa", "kafka");
    static final List<String> OTLP_KEYS = List.of("spans-topic", "metrics-topic", "tenant-attribute", "op-attribute",
            "service-attribute", "services", "default-service", "cohort-attribute", "metrics");
    static final List<String> OPA_KEYS = List.of("topic", "tenant-path", "op-id-path", "residency-zone-path", "data-zone-path",
            "purpose-path", "policies");
    /** Single-value keys (dotted paths); each can be overridden by {@link #envName} of its path. */
    static final List<String> SCALAR_KEYS = scalarKeys();
    /** Environment prefix of schema-registry client settings, as for Kafka's. */
    static final String REGISTRY_ENV_PREFIX = "TRIPWIRE_SCHEMA_REGISTRY_";
    /** Variables with those prefixes that mean something else (log levels; the registry URL key). */
    private static final List<String> NOT_PASS_THROUGH = List.of("TRIPWIRE_KAFKA_LOG_LEVEL", "TRIPWIRE_SCHEMA_REGISTRY_URL");
    /** Settings with a key of their own, which the kafka: pass-through must not contradict. */
    private static final Map<String, String> OWNED_KAFKA_KEYS = Map.of(
            "bootstrap.servers", "bootstrap-servers", "application.id", "application-id", "state.dir", "state-dir");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,249}");
    private static final Pattern HOST_PORT = Pattern.compile("\\[?[A-Za-z0-9._:-]+]?:(\\d{1,5})");

    private final String file;
    private final Path baseDir;
    private final Map<String, String> env;
    /** key -> where its value came from, for error messages. */
    private final Map<String, String> origin = new LinkedHashMap<>();

    private EngineConfigLoader(Path file, Map<String, String> env) {
        this.file = file.toString();
        Path parent = file.toAbsolutePath().getParent();
        this.baseDir = parent != null ? parent : Path.of("").toAbsolutePath();
        this.env = env;
    }

    private static List<String> scalarKeys() {
        List<String> keys = new ArrayList<>(List.of("application-id", "bootstrap-servers", "schema-registry-url", "state-dir",
                "rules", "signing-key", "action-format"));
        EngineConfig.TOPIC_KEYS.forEach(t -> keys.add("topics." + t));
        keys.addAll(List.of("metrics.host", "metrics.port", "metrics.max-tenants", "strict-keys"));
        OTLP_KEYS.forEach(k -> keys.add("otlp." + k));
        OPA_KEYS.forEach(k -> keys.add("opa." + k));
        return List.copyOf(keys);
    }

    /**
     * The one rule for overriding a single value of engine.yaml without editing it: {@code TRIPWIRE_}
     * and the key's dotted path upper-cased, with {@code .} and {@code -} as {@code _}
     * ({@code action-format} -> {@code TRIPWIRE_ACTION_FORMAT}, {@code topics.request-latency} ->
     * {@code TRIPWIRE_TOPICS_REQUEST_LATENCY}). Settings under {@code kafka:} and {@code schema-registry:}
     * are passed through by name: {@code TRIPWIRE_KAFKA_<KEY>} and {@code TRIPWIRE_SCHEMA_REGISTRY_<KEY>},
     * the key lower-cased with {@code _} as {@code .}.
     */
    static String envName(String path) {
        return "TRIPWIRE_" + path.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    static EngineConfig load(Path file, Map<String, String> env) throws IOException {
        JsonNode tree;
        try {
            tree = YAML.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new EngineConfigException(file + ": file not found");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new EngineConfigException(file + ": not valid YAML: " + e.getOriginalMessage());
        }
        return new EngineConfigLoader(file, env).parse(tree == null || tree.isMissingNode() || tree.isNull()
                ? YAML.createObjectNode() : tree);
    }

    private EngineConfig parse(JsonNode root) {
        if (!root.isObject()) {
            throw new EngineConfigException(file + ": expected a mapping of settings at the top (keys: " + String.join(", ", TOP_KEYS) + ")");
        }
        onlyKeys(root, "", TOP_KEYS);
        Map<String, String> envPaths = applyEnv((ObjectNode) root);
        Map<String, String> values = new LinkedHashMap<>();
        for (String key : List.of("application-id", "bootstrap-servers", "schema-registry-url", "state-dir", "rules",
                "signing-key", "action-format")) {
            String v = scalar(root.get(key), key);
            if (v != null) {
                values.put(key, v.trim());
                origin.putIfAbsent(key, file + ": " + key);
            }
        }
        Map<String, String> kafka = passThrough(root.get("kafka"), "kafka", KAFKA_ENV_PREFIX);
        return new EngineConfig(Path.of(file),
                applicationId(values.getOrDefault("application-id", "tripwire-engine")),
                bootstrap(values.getOrDefault("bootstrap-servers", "localhost:9092")),
                registryUrl(values.getOrDefault("schema-registry-url", "mock://tripwire")),
                passThrough(root.get("schema-registry"), "schema-registry", REGISTRY_ENV_PREFIX),
                path(values.getOrDefault("state-dir", "./state"), "state-dir", envPaths, false),
                values.containsKey("rules") ? path(values.get("rules"), "rules", envPaths, true) : null,
                values.containsKey("signing-key") ? path(values.get("signing-key"), "signing-key", envPaths, true) : null,
                actionFormat(values.getOrDefault("action-format", "avro")),
                topics(root.get("topics")),
                metrics(root.get("metrics")),
                kafka,
                ingestion(root));
    }

    /**
     * Writes every single-value override from the environment into the tree ({@link #envName});
     * returns key -> variable of those applied (paths from the environment are relative to the
     * working directory, not to the file).
     */
    private Map<String, String> applyEnv(ObjectNode root) {
        Map<String, String> applied = new LinkedHashMap<>();
        for (String key : SCALAR_KEYS) {
            String var = envName(key);
            String v = env.get(var);
            if (v == null || v.isBlank()) {
                continue;
            }
            ObjectNode at = root;
            String[] parts = key.split("\\.");
            for (int i = 0; i < parts.length - 1; i++) {
                JsonNode next = at.get(parts[i]);
                at = next instanceof ObjectNode o ? o : at.putObject(parts[i]);
            }
            at.put(parts[parts.length - 1], v.trim());
            origin.put(key, var + " (environment)");
            applied.put(key, var);
        }
        return applied;
    }

    private String where(String key) {
        return origin.getOrDefault(key, file + ": " + key);
    }

    private String applicationId(String v) {
        if (!NAME.matcher(v).matches()) {
            throw new EngineConfigException(where("application-id") + ": '" + v + "' is not allowed; use letters, digits, "
                    + "'.', '_' and '-' (it prefixes the engine's consumer group and internal topics)");
        }
        return v;
    }

    private String bootstrap(String v) {
        for (String part : v.split(",")) {
            var m = HOST_PORT.matcher(part.trim());
            if (!m.matches() || Integer.parseInt(m.group(1)) < 1 || Integer.parseInt(m.group(1)) > 65535) {
                throw new EngineConfigException(where("bootstrap-servers") + ": '" + part.trim()
                        + "' is not host:port; expected a comma-separated list like broker-1:9092,broker-2:9092");
            }
        }
        return v;
    }

    private String registryUrl(String v) {
        for (String part : v.split(",")) {
            String p = part.trim();
            boolean ok = p.startsWith("mock://") ? p.length() > "mock://".length()
                    : (p.startsWith("http://") || p.startsWith("https://")) && p.length() > p.indexOf("//") + 2;
            if (!ok) {
                throw new EngineConfigException(where("schema-registry-url") + ": '" + Redact.value("url", p)
                        + "' is not allowed; use mock://NAME (in-process registry, one JVM only) or http(s)://host:port "
                        + "of a Confluent-compatible registry");
            }
        }
        return v;
    }

    private ActionFormat actionFormat(String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "avro" -> ActionFormat.AVRO;
            case "json" -> ActionFormat.JSON;
            default -> throw new EngineConfigException(where("action-format") + ": '" + v + "' is not allowed; use avro or json");
        };
    }

    private Path path(String v, String key, Map<String, String> fromEnv, boolean mustExist) {
        // paths in the file are relative to the file; paths from the environment to the working directory
        Path p = fromEnv.containsKey(key) ? Path.of(v).toAbsolutePath() : baseDir.resolve(v).normalize();
        if (mustExist && !Files.isRegularFile(p)) {
            throw new EngineConfigException(where(key) + ": file " + p + " not found");
        }
        return p;
    }

    private TopicNames topics(JsonNode node) {
        Map<String, String> given = stringMap(node, "topics");
        onlyKeys(node, "topics.", EngineConfig.TOPIC_KEYS);
        List<String> names = new ArrayList<>();
        Map<String, String> keyOfName = new LinkedHashMap<>();
        for (String key : EngineConfig.TOPIC_KEYS) {
            String name = given.getOrDefault(key, key);
            if (!NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
                throw new EngineConfigException(where("topics." + key) + ": '" + name
                        + "' is not a valid topic name (letters, digits, '.', '_', '-'; at most 249)");
            }
            String other = keyOfName.putIfAbsent(name, key);
            if (other != null) {
                throw new EngineConfigException(file + ": topics: '" + name + "' names both " + other + " and " + key
                        + "; every topic needs its own name");
            }
            names.add(name);
        }
        return new TopicNames(names.get(0), names.get(1), names.get(2), names.get(3), names.get(4), names.get(5),
                names.get(6), names.get(7), names.get(8), names.get(9));
    }

    private Ingestion ingestion(JsonNode root) {
        Map<String, String> otlp = stringMap(root.get("otlp"), "otlp");
        onlyKeys(root.get("otlp"), "otlp.", OTLP_KEYS);
        Map<String, String> opa = stringMap(root.get("opa"), "opa");
        onlyKeys(root.get("opa"), "opa.", OPA_KEYS);
        IngestSettings d = IngestSettings.DEFAULTS;
        IngestSettings mapping;
        try {
            mapping = new IngestSettings(
                    otlp.getOrDefault("tenant-attribute", d.tenantAttribute()), otlp.getOrDefault("op-attribute", d.opAttribute()),
                    otlp.getOrDefault("service-attribute", d.serviceAttribute()),
                    IngestSettings.pairs(where("otlp.services"), otlp.get("services")),
                    otlp.getOrDefault("default-service", d.defaultService()),
                    otlp.getOrDefault("cohort-attribute", d.cohortAttribute()).trim(),
                    otlp.containsKey("metrics") ? List.of(otlp.get("metrics").split("\\s*,\\s*")) : d.metrics(),
                    opa.getOrDefault("tenant-path", d.tenantPath()), opa.getOrDefault("op-id-path", d.opIdPath()),
                    opa.getOrDefault("residency-zone-path", d.residencyZonePath()), opa.getOrDefault("data-zone-path", d.dataZonePath()),
                    opa.getOrDefault("purpose-path", d.purposePath()),
                    IngestSettings.pairs(where("opa.policies"), opa.get("policies")));
        } catch (IllegalArgumentException e) {
            throw new EngineConfigException(e.getMessage());
        }
        checkCohortAttribute(mapping);
        for (String[] topic : new String[][] {{"otlp.spans-topic", otlp.get("spans-topic")}, {"otlp.metrics-topic", otlp.get("metrics-topic")},
            {"opa.topic", opa.get("topic")}}) {
            if (topic[1] != null && !topic[1].isBlank() && !NAME.matcher(topic[1]).matches()) {
                throw new EngineConfigException(where(topic[0]) + ": '" + topic[1] + "' is not a valid topic name (letters, digits, '.', '_', '-')");
            }
        }
        String strict = scalar(root.get("strict-keys"), "strict-keys");
        if (strict != null && !strict.equals("true") && !strict.equals("false")) {
            throw new EngineConfigException(where("strict-keys") + ": '" + strict + "' is not allowed; use true or false");
        }
        return new Ingestion(blankToNull(otlp.get("spans-topic")), blankToNull(otlp.get("metrics-topic")),
                blankToNull(opa.get("topic")), mapping, "true".equals(strict), 0);
    }

    /**
     * The cohort attribute ("" for none) must be a name the mapping reads for nothing else: a
     * request's cohort outranks its version, so a cohort copied from {@code service.version} (or
     * from the tenant, op or service attribute) would never be canary or baseline and would hide
     * the version the engine could have judged by.
     */
    private void checkCohortAttribute(IngestSettings m) {
        String v = m.cohortAttribute();
        if (v.isEmpty()) {
            return;
        }
        if (v.chars().anyMatch(Character::isWhitespace)) {
            throw new EngineConfigException(where("otlp.cohort-attribute") + ": '" + v + "' is not an attribute name (no spaces; "
                    + "e.g. tripwire.cohort), or leave it empty to read no cohort");
        }
        Map<String, String> taken = new LinkedHashMap<>();
        taken.put(m.tenantAttribute(), "the tenant (otlp.tenant-attribute)");
        taken.put(m.opAttribute(), "the op (otlp.op-attribute)");
        taken.put(m.serviceAttribute(), "the service (otlp.service-attribute)");
        taken.put("service.version", "the version");
        String other = taken.get(v);
        if (other != null) {
            throw new EngineConfigException(where("otlp.cohort-attribute") + ": '" + v + "' is already read as " + other
                    + "; use the attribute that holds canary or baseline, or leave it empty to judge requests by service.version alone");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private EngineConfig.Metrics metrics(JsonNode node) {
        Map<String, String> m = new LinkedHashMap<>(stringMap(node, "metrics"));
        onlyKeys(node, "metrics.", List.of("host", "port", "max-tenants"));
        String host = m.getOrDefault("host", "127.0.0.1");
        String portText = m.getOrDefault("port", "9464");
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new EngineConfigException(where("metrics.port") + ": '" + portText + "' is not allowed; use 1-65535, or 0 to turn metrics off");
        }
        if (host.isBlank()) {
            throw new EngineConfigException(file + ": metrics.host: empty; use an address to listen on, e.g. 127.0.0.1 or 0.0.0.0");
        }
        String capText = m.getOrDefault("max-tenants", "1000");
        int maxTenants;
        try {
            maxTenants = Integer.parseInt(capText);
        } catch (NumberFormatException e) {
            maxTenants = 0;
        }
        if (maxTenants < 1) {
            throw new EngineConfigException(file + ": metrics.max-tenants: '" + capText + "' is not allowed; use a whole number >= 1");
        }
        return new EngineConfig.Metrics(host, port, maxTenants);
    }

    /** A pass-through mapping ({@code kafka:}, {@code schema-registry:}) with its {@code PREFIX<KEY>} variables. */
    private Map<String, String> passThrough(JsonNode node, String section, String prefix) {
        Map<String, String> map = stringMap(node, section);
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            if (e.getKey().startsWith(prefix) && e.getKey().length() > prefix.length() && !e.getValue().isBlank()
                    && !NOT_PASS_THROUGH.contains(e.getKey())) {
                String key = e.getKey().substring(prefix.length()).toLowerCase(Locale.ROOT).replace('_', '.');
                map.put(key, e.getValue());
                origin.put(section + "." + key, e.getKey() + " (environment)");
            }
        }
        if (section.equals("kafka")) {
            ownedKafkaKeys(map);
        }
        return map;
    }

    private void ownedKafkaKeys(Map<String, String> kafka) {
        for (String key : kafka.keySet()) {
            String own = OWNED_KAFKA_KEYS.get(key);
            if (own != null) {
                throw new EngineConfigException(where("kafka." + key) + ": set this with the top-level key '" + own
                        + "' (or its environment variable), not under kafka:");
            }
        }
    }

    /** A mapping of scalars, as strings; an absent node is empty. */
    private Map<String, String> stringMap(JsonNode node, String key) {
        Map<String, String> out = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            throw new EngineConfigException(file + ": " + key + ": expected a mapping of key: value, got " + node.getNodeType().name().toLowerCase());
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String v = scalar(e.getValue(), key + "." + e.getKey());
            if (v != null) {
                out.put(e.getKey(), v);
            }
        }
        return out;
    }

    private String scalar(JsonNode node, String key) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isValueNode()) {
            throw new EngineConfigException(file + ": " + key + ": expected a single value, got a "
                    + (node.isObject() ? "mapping" : "list") + (key.startsWith("kafka.")
                    ? " (write Kafka settings flat, with dots: 'sasl.mechanism: SCRAM-SHA-512')" : ""));
        }
        return node.asText();
    }

    private void onlyKeys(JsonNode node, String prefix, List<String> allowed) {
        if (node == null || !node.isObject()) {
            return;
        }
        node.fieldNames().forEachRemaining(k -> {
            if (!allowed.contains(k)) {
                throw new EngineConfigException(file + ": " + prefix + k + ": unknown key; allowed: " + String.join(", ", allowed));
            }
        });
    }
}
