package io.tripwire.engine.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Reads a rules file (YAML) into {@link Rules}, applying single-value overrides first:
 * {@code --set path=value} (any path) and environment variables {@code TRIPWIRE_RULES_<PATH>}
 * (the path upper-cased, with {@code .} and {@code -} as {@code _}; only paths present in the
 * file). Validation errors name the key and what is allowed there.
 */
public final class RulesLoader {

    /** Environment prefix for overrides of single values. */
    public static final String ENV_PREFIX = "TRIPWIRE_RULES_";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> TOP_KEYS = Set.of("grace", "future-skew", "min-events", "confidence", "prior-strength", "slo",
            "default-service", "tripwires", "approvers", "extends");

    private final BiFunction<RuleNode, RuleDefaults, TripwireRule> kinds;

    /** @param kinds parses one tripwire mapping (with the global defaults it inherits) into its rule, choosing by its {@code kind} */
    public RulesLoader(BiFunction<RuleNode, RuleDefaults, TripwireRule> kinds) {
        this.kinds = kinds;
    }

    /** The rules shipped in the jar (a copy of {@code config/tripwires.yaml}), with overrides. */
    public Rules loadDefaults(List<String> sets, Map<String, String> env) throws IOException {
        try (InputStream in = RulesLoader.class.getResourceAsStream("tripwires.yaml")) {
            if (in == null) {
                throw new IllegalStateException("built-in tripwires.yaml missing from the jar");
            }
            return load("built-in tripwires.yaml", null, tree("built-in tripwires.yaml", in), sets, env);
        }
    }

    /**
     * A rules file. It may start from another: {@code extends: PATH} (relative to it) reads that file
     * first and lays this one over it, mapping by mapping (a list or a value here replaces the one
     * there), so a file of local changes stays small. Approvers' key files are relative to this file.
     */
    public Rules load(Path file, List<String> sets, Map<String, String> env) throws IOException {
        return load(file.toString(), file.toAbsolutePath().getParent(), extended(file, new java.util.ArrayList<>()), sets, env);
    }

    public Rules load(String source, InputStream yaml, List<String> sets, Map<String, String> env) throws IOException {
        return load(source, null, tree(source, yaml), sets, env);
    }

    private Rules load(String source, Path baseDir, ObjectNode root, List<String> sets, Map<String, String> env) {
        applyEnv(root, "", env);
        for (String set : sets) {
            applySet(root, set);
        }
        try {
            return parse(new RuleNode("", root), baseDir);
        } catch (RulesException e) {
            throw new RulesException(source + ": " + e.getMessage());
        }
    }

    private static ObjectNode tree(String source, InputStream yaml) {
        JsonNode tree;
        try {
            tree = YAML.readTree(yaml);
        } catch (IOException e) {
            throw new RulesException(source + ": not valid YAML: " + e.getMessage());
        }
        if (tree == null || !tree.isObject()) {
            throw new RulesException(source + ": expected a mapping at the top");
        }
        return (ObjectNode) tree;
    }

    /** The file's tree laid over the tree of the file it extends, if any. */
    private static ObjectNode extended(Path file, List<Path> seen) throws IOException {
        Path real = file.toAbsolutePath().normalize();
        if (seen.contains(real)) {
            throw new RulesException(file + ": extends itself through " + seen);
        }
        seen.add(real);
        ObjectNode tree;
        try (InputStream in = Files.newInputStream(file)) {
            tree = tree(file.toString(), in);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new RulesException(file + ": no such rules file" + (seen.size() > 1 ? " (extended by " + seen.get(seen.size() - 2) + ")" : ""));
        }
        // an approver's key file is relative to the file that names it, whichever file extends that one
        if (tree.get("approvers") instanceof com.fasterxml.jackson.databind.node.ArrayNode approvers) {
            for (JsonNode a : approvers) {
                if (a instanceof ObjectNode entry && entry.get("public-key") != null && entry.get("public-key").isTextual()) {
                    entry.put("public-key", real.getParent().resolve(entry.get("public-key").asText()).normalize().toString());
                }
            }
        }
        JsonNode base = tree.remove("extends");
        if (base == null) {
            return tree;
        }
        ObjectNode merged = extended(real.getParent().resolve(base.asText()), seen);
        overlay(merged, tree);
        return merged;
    }

    private static void overlay(ObjectNode into, ObjectNode over) {
        over.fields().forEachRemaining(e -> {
            JsonNode mine = into.get(e.getKey());
            if (mine instanceof ObjectNode m && e.getValue() instanceof ObjectNode o) {
                overlay(m, o);
            } else {
                into.set(e.getKey(), e.getValue());
            }
        });
    }

    private Rules parse(RuleNode root, Path baseDir) {
        root.onlyKeys(TOP_KEYS);
        Duration grace = root.duration("grace", Duration.ofSeconds(30));
        Duration futureSkew = root.duration("future-skew", Duration.ofMinutes(10));
        int minEvents = root.positiveInt("min-events", 100);
        RuleDefaults defaults = new RuleDefaults(minEvents, root.confidence("confidence", 0.95),
                root.has("prior-strength") ? root.positive("prior-strength") : 1000);
        Map<String, Double> slo = root.fractions("slo");
        String defaultService = root.text("default-service", "api");
        if (!slo.containsKey(defaultService)) {
            throw new RulesException("default-service: '" + defaultService + "' has no SLO under slo (known: " + slo.keySet() + ")");
        }
        List<TripwireRule> tripwires = new ArrayList<>();
        for (RuleNode t : root.child("tripwires").children().values()) {
            if (t.bool("enabled", true)) {
                tripwires.add(kinds.apply(t, defaults));
            }
        }
        java.util.Set<String> ids = new java.util.HashSet<>();
        tripwires.forEach(t -> ids.add(t.id()));
        List<Approver> approvers = Approver.parse(root, baseDir, ids);
        return new Rules(grace, futureSkew, minEvents, defaults.confidence(), defaults.priorStrength(), slo, defaultService, tripwires,
                approvers);
    }

    private static void applySet(ObjectNode root, String set) {
        int eq = set.indexOf('=');
        if (eq <= 0) {
            throw new RulesException("--set " + set + ": expected path=value, e.g. tripwires.read-latency.threshold=400");
        }
        String[] path = set.substring(0, eq).trim().split("\\.");
        ObjectNode at = root;
        for (int i = 0; i < path.length - 1; i++) {
            JsonNode next = at.get(path[i]);
            if (next == null) {
                next = at.putObject(path[i]);
            } else if (!next.isObject()) {
                throw new RulesException("--set " + set + ": '" + path[i] + "' is not a mapping");
            }
            at = (ObjectNode) next;
        }
        putScalar(at, path[path.length - 1], set.substring(eq + 1).trim());
    }

    private static void applyEnv(ObjectNode node, String path, Map<String, String> env) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        for (String k : names) {
            String p = path.isEmpty() ? k : path + "." + k;
            JsonNode v = node.get(k);
            if (v.isObject()) {
                applyEnv((ObjectNode) v, p, env);
            } else {
                String value = env.get(envName(p));
                if (value != null) {
                    putScalar(node, k, value);
                }
            }
        }
    }

    /** The environment variable that overrides a rules path. */
    public static String envName(String path) {
        return ENV_PREFIX + path.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static void putScalar(ObjectNode at, String key, String value) {
        if (value.startsWith("[")) {
            try {
                at.set(key, YAML.readTree(value));
                return;
            } catch (IOException e) {
                throw new RulesException(key + ": cannot read list '" + value + "'");
            }
        }
        at.put(key, value);
    }
}
