package io.tripwire.executor.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A YAML mapping that knows its dotted key, so every error names where it is and what is allowed.
 * Reading is strict: {@link #allowOnly} refuses keys it does not know (a typo is an error, not a
 * silently ignored setting).
 */
final class ConfigNode {

    private final JsonNode node;
    private final String path;

    ConfigNode(JsonNode node, String path) {
        if (node != null && !node.isNull() && !node.isObject()) {
            throw new ConfigException(path, "must be a mapping (key: value), not " + describe(node));
        }
        this.node = node;
        this.path = path;
    }

    String path() {
        return path;
    }

    String key(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    boolean has(String name) {
        return node != null && node.hasNonNull(name);
    }

    Set<String> names() {
        Set<String> out = new TreeSet<>();
        if (node != null) {
            node.fieldNames().forEachRemaining(out::add);
        }
        return out;
    }

    void allowOnly(String... allowed) {
        Set<String> ok = Set.of(allowed);
        for (String name : names()) {
            if (!ok.contains(name)) {
                throw new ConfigException(key(name), "unknown key (allowed here: " + String.join(", ", new TreeSet<>(ok)) + ")");
            }
        }
    }

    ConfigNode child(String name) {
        return new ConfigNode(has(name) ? node.get(name) : null, key(name));
    }

    String text(String name, String fallback) {
        if (!has(name)) {
            return fallback;
        }
        JsonNode v = node.get(name);
        if (!v.isValueNode()) {
            throw new ConfigException(key(name), "must be a single value, not " + describe(v));
        }
        return v.asText();
    }

    String requiredText(String name) {
        String v = text(name, null);
        if (v == null || v.isBlank()) {
            throw new ConfigException(key(name), "is required");
        }
        return v;
    }

    boolean bool(String name, boolean fallback) {
        String v = text(name, null);
        if (v == null) {
            return fallback;
        }
        return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigException(key(name), "'" + v + "' is not allowed (allowed: true, false)");
        };
    }

    int integer(String name, int fallback, int min, int max) {
        String v = text(name, null);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min || n > max) {
                throw new ConfigException(key(name), n + " is out of range (allowed: " + min + ".." + max + ")");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigException(key(name), "'" + v + "' is not a whole number (allowed: " + min + ".." + max + ")");
        }
    }

    Duration duration(String name, Duration fallback) {
        String v = text(name, null);
        if (v == null) {
            return fallback;
        }
        try {
            return DurationText.parse(v);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key(name), e.getMessage());
        }
    }

    <E extends Enum<E>> E oneOf(String name, Class<E> type, E fallback) {
        String v = text(name, null);
        if (v == null) {
            return fallback;
        }
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(v.trim())) {
                return e;
            }
        }
        List<String> allowed = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            allowed.add(e.name().toLowerCase(java.util.Locale.ROOT));
        }
        throw new ConfigException(key(name), "'" + v + "' is not allowed (allowed: " + String.join(", ", allowed) + ")");
    }

    /** A list of single values; a single value alone counts as a list of one. */
    List<String> textList(String name) {
        if (!has(name)) {
            return List.of();
        }
        JsonNode v = node.get(name);
        if (v.isValueNode()) {
            return List.of(v.asText());
        }
        if (!v.isArray()) {
            throw new ConfigException(key(name), "must be a list, not " + describe(v));
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode item = v.get(i);
            if (item == null || item.isNull() || !item.isValueNode()) {
                throw new ConfigException(key(name) + "[" + i + "]", "must be a single value, not " + describe(item));
            }
            out.add(item.asText());
        }
        return out;
    }

    /** A mapping of single values, in file order. */
    Map<String, String> textMap(String name) {
        ConfigNode m = child(name);
        Map<String, String> out = new LinkedHashMap<>();
        if (m.node == null) {
            return out;
        }
        Iterator<Map.Entry<String, JsonNode>> it = m.node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                throw new ConfigException(m.key(e.getKey()), "must be a single value, not " + describe(e.getValue()));
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    private static String describe(JsonNode n) {
        if (n == null || n.isNull()) {
            return "nothing";
        }
        if (n.isArray()) {
            return "a list";
        }
        if (n.isObject()) {
            return "a mapping";
        }
        return "'" + n.asText() + "'";
    }
}
