package io.tripwire.engine.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One mapping of the rules file with its dotted path, so every error names the exact key
 * ({@code tripwires.read-latency.threshold}) and what is allowed there.
 */
public final class RuleNode {

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private final String path;
    private final JsonNode node;

    RuleNode(String path, JsonNode node) {
        this.path = path;
        this.node = node;
    }

    /** Dotted path of this mapping ("" at the root). */
    public String path() {
        return path;
    }

    /** The last segment of the path: for a tripwire, its id. */
    public String name() {
        return path.substring(path.lastIndexOf('.') + 1);
    }

    private String at(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** Refuses keys other than {@code allowed}, listing the allowed ones. */
    public void onlyKeys(Set<String> allowed) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String k = names.next();
            if (!allowed.contains(k)) {
                throw new RulesException(at(k) + ": unknown key (allowed here: " + String.join(", ", new TreeSet<>(allowed)) + ")");
            }
        }
    }

    public boolean has(String key) {
        return node.hasNonNull(key);
    }

    /** A child mapping. */
    public RuleNode child(String key) {
        JsonNode c = node.get(key);
        if (c == null || !c.isObject()) {
            throw new RulesException(at(key) + ": expected a mapping");
        }
        return new RuleNode(at(key), c);
    }

    /** Child mappings by key, in file order. */
    public Map<String, RuleNode> children() {
        Map<String, RuleNode> out = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> {
            if (!e.getValue().isObject()) {
                throw new RulesException(at(e.getKey()) + ": expected a mapping");
            }
            out.put(e.getKey(), new RuleNode(at(e.getKey()), e.getValue()));
        });
        return out;
    }

    public String text(String key) {
        JsonNode v = required(key);
        if (!v.isValueNode() || v.isNull()) {
            throw new RulesException(at(key) + ": expected a text value");
        }
        return v.asText();
    }

    public String text(String key, String dflt) {
        return has(key) ? text(key) : dflt;
    }

    /** true or false. */
    public boolean bool(String key, boolean dflt) {
        if (!has(key)) {
            return dflt;
        }
        String v = text(key);
        if (!v.equals("true") && !v.equals("false")) {
            throw new RulesException(at(key) + ": expected true or false, got '" + v + "'");
        }
        return Boolean.parseBoolean(v);
    }

    /** One of {@code allowed}, case-sensitive. */
    public String choice(String key, Set<String> allowed) {
        String v = text(key);
        if (!allowed.contains(v)) {
            throw new RulesException(at(key) + ": '" + v + "' is not allowed (allowed: " + String.join(", ", new TreeSet<>(allowed)) + ")");
        }
        return v;
    }

    /** A finite number greater than zero. */
    public double positive(String key) {
        double d = number(key);
        if (!(d > 0)) {
            throw new RulesException(at(key) + ": expected a number > 0, got " + d);
        }
        return d;
    }

    /** A number strictly between 0 and 1. */
    public double fraction(String key) {
        double d = number(key);
        if (!(d > 0 && d < 1)) {
            throw new RulesException(at(key) + ": expected a number between 0 and 1 (exclusive), got " + d);
        }
        return d;
    }

    /**
     * A confidence level for the binomial guard of ratio tripwires: a number strictly between 0 and
     * 1, or {@code off} (read as NaN); {@code dflt} when absent.
     */
    public double confidence(String key, double dflt) {
        if (!has(key)) {
            return dflt;
        }
        String text = text(key).trim();
        if (text.equals("off") || text.equals("false")) { // a YAML 1.1 reader may turn a bare off into false
            return Double.NaN;
        }
        double c;
        try {
            c = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new RulesException(at(key) + ": expected a confidence between 0 and 1 (e.g. 0.95) or off, got '" + text + "'");
        }
        if (!(c > 0 && c < 1)) {
            throw new RulesException(at(key) + ": expected a confidence between 0 and 1 (exclusive, e.g. 0.95) or off, got " + text);
        }
        return c;
    }

    public int positiveInt(String key, int dflt) {
        if (!has(key)) {
            return dflt;
        }
        double d = number(key);
        if (d != Math.rint(d) || d < 1 || d > Integer.MAX_VALUE) {
            throw new RulesException(at(key) + ": expected a whole number >= 1, got " + node.get(key).asText());
        }
        return (int) d;
    }

    private double number(String key) {
        JsonNode v = required(key);
        double d;
        if (v.isNumber()) {
            d = v.asDouble();
        } else {
            try {
                d = Double.parseDouble(v.asText().trim());
            } catch (NumberFormatException e) {
                throw new RulesException(at(key) + ": expected a number, got '" + v.asText() + "'");
            }
        }
        if (!Double.isFinite(d)) {
            throw new RulesException(at(key) + ": expected a finite number, got " + v.asText());
        }
        return d;
    }

    /** A duration written as 30s, 5m, 1h, 24h, 1d or 500ms, whole minutes where {@code minutes} is set. */
    public Duration duration(String key, boolean wholeMinutes) {
        Duration d = parseDuration(at(key), required(key).asText());
        if (wholeMinutes && (d.isZero() || d.toMillis() % 60_000 != 0)) {
            throw new RulesException(at(key) + ": expected whole minutes > 0 (windows are made of 1-minute buckets), got " + required(key).asText());
        }
        return d;
    }

    public Duration duration(String key, Duration dflt) {
        return has(key) ? duration(key, false) : dflt;
    }

    /** A list of window durations, whole minutes each. */
    public List<Duration> durations(String key) {
        JsonNode v = required(key);
        if (!v.isArray() || v.isEmpty()) {
            throw new RulesException(at(key) + ": expected a non-empty list of durations, e.g. [1h, 5m]");
        }
        List<Duration> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            Duration d = parseDuration(at(key) + "[" + i + "]", v.get(i).asText());
            if (d.isZero() || d.toMillis() % 60_000 != 0) {
                throw new RulesException(at(key) + "[" + i + "]: expected whole minutes > 0, got " + v.get(i).asText());
            }
            out.add(d);
        }
        return out;
    }

    /** A list of texts, each one of {@code allowed}. */
    /** A list of mappings (absent: empty), each a node named by its index. */
    public List<RuleNode> list(String key) {
        if (!has(key)) {
            return List.of();
        }
        JsonNode v = node.get(key);
        if (!v.isArray()) {
            throw new RulesException(at(key) + ": expected a list");
        }
        List<RuleNode> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isObject()) {
                throw new RulesException(at(key) + "[" + i + "]: expected a mapping");
            }
            out.add(new RuleNode(at(key) + "[" + i + "]", v.get(i)));
        }
        return out;
    }

    /** A list of texts (absent: empty). */
    public List<String> texts(String key) {
        if (!has(key)) {
            return List.of();
        }
        JsonNode v = node.get(key);
        if (!v.isArray()) {
            throw new RulesException(at(key) + ": expected a list, e.g. [residency-violation]");
        }
        List<String> out = new ArrayList<>();
        v.forEach(x -> out.add(x.asText()));
        return out;
    }

    /** An instant in ISO-8601 UTC, e.g. 2026-01-01T00:00:00Z. */
    public java.time.Instant instant(String key) {
        String text = text(key).trim();
        try {
            return java.time.Instant.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            throw new RulesException(at(key) + ": expected an ISO-8601 UTC time, e.g. 2026-01-01T00:00:00Z, got '" + text + "'");
        }
    }

    /** The path of a key of this node, for messages. */
    public String pathOf(String key) {
        return at(key);
    }

    public List<String> choices(String key, Set<String> allowed) {
        JsonNode v = required(key);
        if (!v.isArray() || v.isEmpty()) {
            throw new RulesException(at(key) + ": expected a non-empty list");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            String s = v.get(i).asText();
            if (!allowed.contains(s)) {
                throw new RulesException(at(key) + "[" + i + "]: '" + s + "' is not allowed (allowed: " + String.join(", ", new TreeSet<>(allowed)) + ")");
            }
            out.add(s);
        }
        return out;
    }

    /** A mapping of mappings of texts, e.g. {@code params: {ALERT: {severity: page}}}. */
    public Map<String, Map<String, String>> nestedTexts(String key) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        if (!has(key)) {
            return out;
        }
        for (Map.Entry<String, RuleNode> e : child(key).children().entrySet()) {
            Map<String, String> inner = new LinkedHashMap<>();
            e.getValue().node.fields().forEachRemaining(f -> {
                if (!f.getValue().isValueNode()) {
                    throw new RulesException(e.getValue().at(f.getKey()) + ": expected a text or number value");
                }
                inner.put(f.getKey(), f.getValue().asText());
            });
            out.put(e.getKey(), inner);
        }
        return out;
    }

    /** A mapping of numbers, e.g. {@code slo: {api: 0.999}}. */
    public Map<String, Double> fractions(String key) {
        Map<String, Double> out = new LinkedHashMap<>();
        RuleNode c = child(key);
        c.node.fieldNames().forEachRemaining(k -> out.put(k, c.fraction(k)));
        return out;
    }

    private JsonNode required(String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            throw new RulesException(at(key) + ": missing");
        }
        return v;
    }

    /** Parses the rules' duration syntax; {@code where} names the key in the error. */
    public static Duration parseDuration(String where, String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            throw new RulesException(where + ": expected a duration like 30s, 5m, 1h, 24h (units ms, s, m, h, d), got '" + text + "'");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /** Compact text of a duration, as written in rules files: 30s, 5m, 24h. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }

    ObjectNode objectNode() {
        return (ObjectNode) node;
    }
}
