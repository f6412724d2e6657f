package io.tripwire.executor.handler;

import io.tripwire.json.CanonicalJson;
import io.tripwire.schemas.TripwireAction;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * An argument-vector template such as {@code ["rollback", "--tenant", "{tenant}", "--to", "{params.to}"]}.
 * Every template element expands to exactly one argument, whatever the values hold: no shell is
 * involved, so a tenant named {@code x; rm -rf /} stays one argument.
 *
 * <p>Placeholders: {@code {tenant}}, {@code {tripwire}}, {@code {scope}}, {@code {action}},
 * {@code {actionId}}, {@code {decisionId}}, {@code {evidenceId}}, {@code {firedAt}},
 * {@code {params.NAME}}, {@code {evidence.NAME}}; {@code {params.NAME:-DEFAULT}} gives DEFAULT when
 * the action has no such parameter. {@code {{} and {@code }}} write literal braces. An unknown
 * placeholder is refused when the template is parsed, i.e. at startup.
 */
public final class ArgvTemplate {

    private static final Map<String, Function<TripwireAction, String>> FIELDS = Map.of(
            "tenant", TripwireAction::getTenant,
            "tripwire", TripwireAction::getTripwire,
            "scope", TripwireAction::getScope,
            "action", a -> a.getAction().name(),
            "actionId", TripwireAction::getActionId,
            "decisionId", TripwireAction::getDecisionId,
            "evidenceId", TripwireAction::getEvidenceId,
            "firedAt", a -> a.getFiredAt().toString());

    /** What the placeholders may name, for error messages. */
    public static final String ALLOWED = "{tenant}, {tripwire}, {scope}, {action}, {actionId}, {decisionId}, "
            + "{evidenceId}, {firedAt}, {params.NAME}, {evidence.NAME}, {params.NAME:-DEFAULT}";

    private sealed interface Part permits Literal, Field, Lookup {
    }

    private record Literal(String text) implements Part {
    }

    private record Field(String name) implements Part {
    }

    /** {@code {params.X}} or {@code {evidence.X}}; {@code fallback} null when none was given. */
    private record Lookup(boolean params, String name, String fallback) implements Part {
    }

    private final List<String> raw;
    private final List<List<Part>> elements;

    private ArgvTemplate(List<String> raw, List<List<Part>> elements) {
        this.raw = raw;
        this.elements = elements;
    }

    /**
     * Parses a template.
     *
     * @throws IllegalArgumentException starting with {@code argv[i]} and naming the bad placeholder
     */
    public static ArgvTemplate parse(List<String> argv) {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("argv must name a program");
        }
        List<List<Part>> elements = new ArrayList<>();
        for (int i = 0; i < argv.size(); i++) {
            try {
                elements.add(parseElement(argv.get(i)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("argv[" + i + "] '" + argv.get(i) + "': " + e.getMessage(), e);
            }
        }
        return new ArgvTemplate(List.copyOf(argv), List.copyOf(elements));
    }

    /** The template as configured. */
    public List<String> raw() {
        return raw;
    }

    /**
     * The argument vector for one action: one argument per template element.
     *
     * @throws IllegalArgumentException naming a parameter or evidence entry the action lacks
     */
    public List<String> expand(TripwireAction action) {
        List<String> out = new ArrayList<>(elements.size());
        for (List<Part> parts : elements) {
            StringBuilder sb = new StringBuilder();
            for (Part p : parts) {
                sb.append(value(p, action));
            }
            out.add(sb.toString());
        }
        return out;
    }

    private static String value(Part p, TripwireAction action) {
        if (p instanceof Literal l) {
            return l.text();
        }
        if (p instanceof Field f) {
            return FIELDS.get(f.name()).apply(action);
        }
        Lookup l = (Lookup) p;
        Object v = l.params() ? action.getParams().get(l.name()) : action.getEvidence().get(l.name());
        if (v == null) {
            if (l.fallback() != null) {
                return l.fallback();
            }
            throw new IllegalArgumentException("the action has no " + (l.params() ? "params." : "evidence.") + l.name());
        }
        return v instanceof Number n ? CanonicalJson.number(n) : v.toString();
    }

    private static List<Part> parseElement(String s) {
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (s.startsWith("{{", i) || s.startsWith("}}", i)) {
                literal.append(c);
                i += 2;
            } else if (c == '}') {
                throw new IllegalArgumentException("'}' without '{' at position " + i + " (write '}}' for a literal brace)");
            } else if (c == '{') {
                int end = s.indexOf('}', i);
                if (end < 0) {
                    throw new IllegalArgumentException("'{' without '}' at position " + i + " (write '{{' for a literal brace)");
                }
                if (!literal.isEmpty()) {
                    parts.add(new Literal(literal.toString()));
                    literal.setLength(0);
                }
                parts.add(placeholder(s.substring(i + 1, end)));
                i = end + 1;
            } else {
                literal.append(c);
                i++;
            }
        }
        if (!literal.isEmpty()) {
            parts.add(new Literal(literal.toString()));
        }
        return List.copyOf(parts);
    }

    private static Part placeholder(String body) {
        if (FIELDS.containsKey(body)) {
            return new Field(body);
        }
        for (String prefix : List.of("params.", "evidence.")) {
            if (body.startsWith(prefix) && body.length() > prefix.length()) {
                String rest = body.substring(prefix.length());
                int dflt = rest.indexOf(":-");
                String name = dflt < 0 ? rest : rest.substring(0, dflt);
                if (!name.isEmpty()) {
                    return new Lookup(prefix.equals("params."), name, dflt < 0 ? null : rest.substring(dflt + 2));
                }
            }
        }
        throw new IllegalArgumentException("unknown placeholder {" + body + "} (allowed: " + ALLOWED + ")");
    }
}
