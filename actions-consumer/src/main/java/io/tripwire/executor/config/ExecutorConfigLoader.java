package io.tripwire.executor.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tripwire.executor.handler.ArgvTemplate;
import io.tripwire.schemas.ActionType;
import io.tripwire.signing.Ed25519Keys;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads {@code executor.yaml} into an {@link ExecutorConfig}, refusing anything it does not
 * understand with an error naming the key and what is allowed. Relative paths resolve against the
 * file's directory. Single values can be overridden from the environment: the dotted key upper-cased
 * with {@code .} and {@code -} as {@code _}, behind {@code TRIPWIRE_EXECUTOR_}; e.g.
 * {@code TRIPWIRE_EXECUTOR_DRY_RUN=true}, {@code TRIPWIRE_EXECUTOR_KAFKA_BOOTSTRAP_SERVERS=host:9092}.
 */
public final class ExecutorConfigLoader {

    /** Keys that an environment variable can override. */
    public static final List<String> OVERRIDABLE = List.of(
            "dry-run", "kafka.bootstrap-servers", "kafka.group-id", "kafka.transactional-id",
            "topics.actions", "topics.results", "topics.ledger", "topics.dead-letter",
            "wire.format", "wire.schema-registry-url", "wire.auto-register-schemas", "wire.basic-auth-user-info",
            "trust.public-keys");

    private static final String ENV_PREFIX = "TRIPWIRE_EXECUTOR_";
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final RetrySpec DEFAULT_RETRY = new RetrySpec(3, Duration.ofMillis(500), Duration.ofSeconds(30));
    private static final int DEFAULT_OUTPUT_CAP = 64 * 1024;

    private final Map<String, String> env;

    /** A loader that reads overrides from {@code env} (pass {@code System.getenv()} in production). */
    public ExecutorConfigLoader(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** The environment variable that overrides a dotted key. */
    public static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** Loads and validates a config file. */
    public ExecutorConfig load(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        JsonNode tree;
        try {
            tree = new ObjectMapper(new YAMLFactory()).readTree(abs.toFile());
        } catch (IOException e) {
            throw new ConfigException("", abs + ": cannot read YAML: " + e.getMessage());
        }
        return read(tree, abs.getParent());
    }

    /** Validates a parsed tree; {@code baseDir} is where relative paths start. */
    public ExecutorConfig read(JsonNode tree, Path baseDir) {
        ObjectNode root = tree == null || tree.isMissingNode() || tree.isNull()
                ? JsonNodeFactory.instance.objectNode()
                : tree.isObject() ? ((ObjectNode) tree).deepCopy() : null;
        if (root == null) {
            throw new ConfigException("", "the file must be a mapping (key: value) at top level");
        }
        applyOverrides(root);
        ConfigNode top = new ConfigNode(root, "");
        top.allowOnly("kafka", "topics", "wire", "trust", "dry-run", "defaults", "handlers");
        KafkaSettings kafka = kafka(top.child("kafka"));
        TopicNames topics = topics(top.child("topics"));
        WireSettings wire = wire(top.child("wire"));
        List<Path> keys = publicKeys(top.child("trust"), baseDir);
        boolean dryRun = top.bool("dry-run", false);
        ConfigNode defaults = top.child("defaults");
        defaults.allowOnly("timeout", "retry", "output-cap");
        Duration timeout = positive(defaults, "timeout", DEFAULT_TIMEOUT);
        RetrySpec retry = retry(defaults.child("retry"), DEFAULT_RETRY);
        int outputCap = defaults.integer("output-cap", DEFAULT_OUTPUT_CAP, 1024, 16 * 1024 * 1024);
        HandlerDefaults hd = new HandlerDefaults(timeout, retry, outputCap, baseDir);
        Map<ActionType, HandlerSpec> handlers = handlers(top.child("handlers"), hd);
        return new ExecutorConfig(baseDir, kafka, topics, wire, keys, dryRun, handlers);
    }

    private record HandlerDefaults(Duration timeout, RetrySpec retry, int outputCap, Path baseDir) {
    }

    private void applyOverrides(ObjectNode root) {
        for (String key : OVERRIDABLE) {
            String value = env.get(envName(key));
            if (value == null) {
                continue;
            }
            String[] parts = key.split("\\.");
            ObjectNode at = root;
            for (int i = 0; i < parts.length - 1; i++) {
                JsonNode next = at.get(parts[i]);
                at = next instanceof ObjectNode o ? o : at.putObject(parts[i]);
            }
            at.put(parts[parts.length - 1], value);
        }
    }

    private static KafkaSettings kafka(ConfigNode n) {
        n.allowOnly("bootstrap-servers", "group-id", "transactional-id", "max-poll-records", "properties");
        String group = n.text("group-id", "tripwire-executor");
        String txId = n.text("transactional-id", group + "-" + hostName());
        return new KafkaSettings(n.text("bootstrap-servers", "localhost:9092"), group, txId,
                n.integer("max-poll-records", 100, 1, 10_000), n.textMap("properties"));
    }

    private static String hostName() {
        String fromEnv = System.getenv("HOSTNAME");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    private static TopicNames topics(ConfigNode n) {
        n.allowOnly("actions", "results", "ledger", "dead-letter");
        TopicNames d = TopicNames.defaults();
        return new TopicNames(n.text("actions", d.actions()), n.text("results", d.results()),
                n.text("ledger", d.ledger()), n.text("dead-letter", d.deadLetter()));
    }

    private static WireSettings wire(ConfigNode n) {
        n.allowOnly("format", "schema-registry-url", "auto-register-schemas", "basic-auth-user-info");
        String url = n.text("schema-registry-url", "mock://tripwire");
        if (!url.startsWith("mock://") && !url.startsWith("http://") && !url.startsWith("https://")) {
            throw new ConfigException(n.key("schema-registry-url"), "'" + url + "' is not allowed (allowed: mock://NAME, http://…, https://…)");
        }
        return new WireSettings(n.oneOf("format", WireSettings.Format.class, WireSettings.Format.AVRO), url,
                n.bool("auto-register-schemas", true), n.text("basic-auth-user-info", ""));
    }

    private static List<Path> publicKeys(ConfigNode n, Path baseDir) {
        n.allowOnly("public-keys");
        List<String> names = n.textList("public-keys");
        if (names.isEmpty()) {
            throw new ConfigException(n.key("public-keys"), "is required: one or more PEM files of accepted Ed25519 public keys");
        }
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String key = n.key("public-keys") + "[" + i + "]";
            Path p = baseDir.resolve(names.get(i)).normalize();
            try {
                Ed25519Keys.readPublic(p);
            } catch (IOException e) {
                throw new ConfigException(key, "cannot read " + p + ": " + e.getMessage());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(key, e.getMessage());
            }
            out.add(p);
        }
        return out;
    }

    private static RetrySpec retry(ConfigNode n, RetrySpec fallback) {
        n.allowOnly("attempts", "backoff-base", "backoff-max");
        int attempts = n.integer("attempts", fallback.attempts(), 1, 100);
        Duration base = n.duration("backoff-base", fallback.backoffBase());
        Duration max = n.duration("backoff-max", fallback.backoffMax());
        if (max.compareTo(base) < 0) {
            throw new ConfigException(n.key("backoff-max"), max + " is below backoff-base " + base + " (allowed: >= backoff-base)");
        }
        return new RetrySpec(attempts, base, max);
    }

    private static Duration positive(ConfigNode n, String name, Duration fallback) {
        Duration d = n.duration(name, fallback);
        if (d.isZero() || d.isNegative()) {
            throw new ConfigException(n.key(name), "must be more than zero");
        }
        return d;
    }

    private static Map<ActionType, HandlerSpec> handlers(ConfigNode n, HandlerDefaults d) {
        Map<ActionType, HandlerSpec> out = new EnumMap<>(ActionType.class);
        String allowedTypes = Arrays.stream(ActionType.values()).filter(t -> t != ActionType.UNKNOWN)
                .map(Enum::name).collect(Collectors.joining(", "));
        for (String name : n.names()) {
            ActionType type;
            try {
                type = ActionType.valueOf(name);
            } catch (IllegalArgumentException e) {
                type = ActionType.UNKNOWN;
            }
            if (type == ActionType.UNKNOWN) {
                throw new ConfigException(n.key(name), "unknown action type (allowed: " + allowedTypes + ")");
            }
            out.put(type, handler(n.child(name), d));
        }
        return out;
    }

    private static HandlerSpec handler(ConfigNode n, HandlerDefaults d) {
        String type = n.requiredText("type");
        return switch (type) {
            case "command" -> command(n, d);
            case "http" -> http(n, d);
            case "log" -> {
                n.allowOnly("type");
                yield new HandlerSpec.Log();
            }
            default -> throw new ConfigException(n.key("type"), "'" + type + "' is not allowed (allowed: command, http, log)");
        };
    }

    private static HandlerSpec command(ConfigNode n, HandlerDefaults d) {
        n.allowOnly("type", "argv", "timeout", "retry", "output-cap", "env");
        List<String> argv = new ArrayList<>(n.textList("argv"));
        if (argv.isEmpty()) {
            throw new ConfigException(n.key("argv"), "is required: the program and its arguments, e.g. [scripts/x.sh, stop, --tenant, \"{tenant}\"]");
        }
        try {
            ArgvTemplate.parse(argv);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(n.key("argv"), e.getMessage());
        }
        String program = argv.get(0);
        if (program.contains("/")) {
            Path p = d.baseDir().resolve(program).normalize();
            if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
                throw new ConfigException(n.key("argv") + "[0]", p + " is not an executable file");
            }
            argv.set(0, p.toString());
        }
        return new HandlerSpec.Command(argv, positive(n, "timeout", d.timeout()), retry(n.child("retry"), d.retry()),
                n.integer("output-cap", d.outputCap(), 1024, 16 * 1024 * 1024), n.textMap("env"));
    }

    private static HandlerSpec http(ConfigNode n, HandlerDefaults d) {
        n.allowOnly("type", "url", "timeout", "retry", "headers");
        String url = n.requiredText("url");
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new ConfigException(n.key("url"), "'" + url + "' is not a URL: " + e.getMessage());
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new ConfigException(n.key("url"), "'" + url + "' is not allowed (allowed: absolute http:// or https:// URLs)");
        }
        Map<String, String> headers = n.textMap("headers");
        for (String h : headers.keySet()) {
            String lower = h.toLowerCase(Locale.ROOT);
            if (lower.equals("idempotency-key") || lower.equals("content-type")) {
                throw new ConfigException(n.key("headers") + "." + h, "is set by the executor and cannot be configured");
            }
            // java.net.http refuses these itself, at the first request; say so at startup instead
            if (List.of("connection", "content-length", "expect", "host", "upgrade").contains(lower)) {
                throw new ConfigException(n.key("headers") + "." + h, "is managed by the HTTP client and cannot be configured");
            }
        }
        return new HandlerSpec.Http(uri, positive(n, "timeout", d.timeout()), retry(n.child("retry"), d.retry()), headers);
    }
}
