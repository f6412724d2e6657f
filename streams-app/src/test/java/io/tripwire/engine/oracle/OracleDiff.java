package io.tripwire.engine.oracle;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Compares the oracle's firings with the engine's and describes the first difference with context. */
final class OracleDiff {

    private OracleDiff() {
    }

    /** The oracle's params must appear with the same values in the engine's record (extra engine params are ignored). */
    static boolean same(SpecOracle.Firing expected, SpecOracle.Firing actual) {
        if (expected.eventIndex() != actual.eventIndex() || !expected.brief().equals(actual.brief())) {
            return false;
        }
        for (Map.Entry<String, String> p : expected.params().entrySet()) {
            if (!Objects.equals(p.getValue(), actual.params().get(p.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /** null when equal; otherwise a description of the first difference. */
    static String firstDifference(List<SpecOracle.Firing> expected, List<SpecOracle.Firing> actual,
                                  List<SpecOracle.Input> inputs) {
        int n = Math.max(expected.size(), actual.size());
        for (int i = 0; i < n; i++) {
            SpecOracle.Firing e = i < expected.size() ? expected.get(i) : null;
            SpecOracle.Firing a = i < actual.size() ? actual.get(i) : null;
            if (e != null && a != null && same(e, a)) {
                continue;
            }
            StringBuilder sb = new StringBuilder();
            sb.append("first difference at firing #").append(i).append('\n');
            sb.append("  oracle (SPEC): ").append(e == null ? "<nothing more>" : e).append('\n');
            sb.append("  engine       : ").append(a == null ? "<nothing more>" : a).append('\n');
            sb.append("  oracle context:\n");
            context(sb, expected, i);
            sb.append("  engine context:\n");
            context(sb, actual, i);
            int at = Math.min(e == null ? Integer.MAX_VALUE : e.eventIndex(), a == null ? Integer.MAX_VALUE : a.eventIndex());
            String tenant = e != null ? e.tenant() : a.tenant();
            if (at != Integer.MAX_VALUE && inputs != null) {
                sb.append("  input events of ").append(tenant).append(" around #").append(at).append(" (delivery order):\n");
                List<String> lines = new ArrayList<>();
                for (int k = at; k >= 0 && lines.size() < 12; k--) {
                    if (Scenario.tenant(inputs.get(k).event()).equals(tenant)) {
                        lines.add(0, "    #" + k + " line " + inputs.get(k).line() + " " + Scenario.describe(inputs.get(k).event()));
                    }
                }
                for (int k = at + 1, extra = 0; k < inputs.size() && extra < 3; k++) {
                    if (Scenario.tenant(inputs.get(k).event()).equals(tenant)) {
                        lines.add("    #" + k + " line " + inputs.get(k).line() + " " + Scenario.describe(inputs.get(k).event()));
                        extra++;
                    }
                }
                lines.forEach(l -> sb.append(l).append('\n'));
            }
            return sb.toString();
        }
        return null;
    }

    private static void context(StringBuilder sb, List<SpecOracle.Firing> list, int i) {
        for (int k = Math.max(0, i - 4); k < Math.min(list.size(), i + 4); k++) {
            sb.append(k == i ? "   > " : "     ").append(k).append(": ").append(list.get(k)).append('\n');
        }
    }
}
