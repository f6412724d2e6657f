package io.tripwire.engine.tripwires;

import io.tripwire.engine.rules.RuleNode;
import io.tripwire.engine.rules.TripwireRule;
import io.tripwire.schemas.ActionType;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** A rule record that knows the tripwire class evaluating it. */
public interface KindRule extends TripwireRule {

    /** Actions a rule may name. */
    Set<String> ACTIONS = Arrays.stream(ActionType.values())
            .filter(a -> a != ActionType.UNKNOWN && a != ActionType.RESOLVED)
            .map(Enum::name).collect(Collectors.toUnmodifiableSet());

    /** Keys every tripwire mapping may have. */
    Set<String> COMMON_KEYS = Set.of("kind", "actions", "params", "enabled");

    Tripwire<?> tripwire();

    /** The actions list of a mapping. */
    static List<String> actions(RuleNode n) {
        return n.choices("actions", ACTIONS);
    }

    /** The per-action params of a mapping, each keyed by one of its actions. */
    static Map<String, Map<String, String>> params(RuleNode n, List<String> actions) {
        Map<String, Map<String, String>> p = n.nestedTexts("params");
        for (String a : p.keySet()) {
            if (!actions.contains(a)) {
                throw new io.tripwire.engine.rules.RulesException(n.path() + ".params." + a + ": not one of this tripwire's actions " + actions);
            }
        }
        return p;
    }

    static Set<String> keys(String... kindKeys) {
        Set<String> all = new java.util.HashSet<>(COMMON_KEYS);
        all.addAll(Arrays.asList(kindKeys));
        return all;
    }
}
