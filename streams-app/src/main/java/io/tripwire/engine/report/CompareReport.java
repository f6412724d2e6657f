package io.tripwire.engine.report;

import io.tripwire.engine.replay.ReplayOutput;
import io.tripwire.schemas.TripwireAction;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code replay --compare A.yaml B.yaml} (SPEC section 5): which firings differ between two replays
 * of the same input under two rule sets, as Markdown ({@code compare.md}).
 *
 * <p>A firing is (tripwire, tenant, scope, action, firedAt). Firings are compared as multisets:
 * if A has a firing twice and B once, one of A's is "only under A". The page has a table of
 * counts per tripwire, the firings only under A, those only under B, and how many are the same.
 */
public final class CompareReport {

    /** What identifies a firing across the two replays; ids and signatures are left out on purpose. */
    record Firing(Instant firedAt, String tripwire, String tenant, String scope, String action) {

        static Firing of(TripwireAction a) {
            return new Firing(a.getFiredAt(), a.getTripwire(), a.getTenant(), a.getScope(), String.valueOf(a.getAction()));
        }
    }

    private static final Comparator<TripwireAction> ORDER = Comparator.comparing(TripwireAction::getFiredAt)
            .thenComparing(TripwireAction::getTripwire).thenComparing(TripwireAction::getTenant)
            .thenComparing(TripwireAction::getScope).thenComparing(a -> String.valueOf(a.getAction()));

    /** Firings only under A, only under B (each in firing-time order), and how many are in both. */
    record Difference(List<TripwireAction> onlyInA, List<TripwireAction> onlyInB, int same) {
    }

    private CompareReport() {
    }

    /** The two one-sided lists, each in firing-time order. */
    static Difference diff(ReplayOutput a, ReplayOutput b) {
        Map<Firing, Integer> inB = new HashMap<>();
        b.actions().forEach(x -> inB.merge(Firing.of(x), 1, Integer::sum));
        List<TripwireAction> onlyA = new ArrayList<>();
        int same = 0;
        for (TripwireAction x : a.actions()) {
            Firing f = Firing.of(x);
            Integer n = inB.get(f);
            if (n == null || n == 0) {
                onlyA.add(x);
            } else {
                inB.put(f, n - 1);
                same++;
            }
        }
        List<TripwireAction> onlyB = new ArrayList<>();
        for (TripwireAction x : b.actions()) {
            Firing f = Firing.of(x);
            int n = inB.getOrDefault(f, 0); // what is left after A's matches took theirs
            if (n > 0) {
                onlyB.add(x);
                inB.put(f, n - 1);
            }
        }
        onlyA.sort(ORDER);
        onlyB.sort(ORDER);
        return new Difference(onlyA, onlyB, same);
    }

    /** The Markdown page. */
    public static String render(ReplayOutput a, String nameA, ReplayOutput b, String nameB) {
        Difference d = diff(a, b);
        StringBuilder m = new StringBuilder();
        m.append("# Compare: A = ").append(md(nameA)).append(", B = ").append(md(nameB)).append("\n\n");
        m.append("Same input replayed under two rule sets. A firing is (tripwire, tenant, scope, action, firedAt).\n\n");
        m.append("- only under A: ").append(d.onlyInA.size()).append('\n')
                .append("- only under B: ").append(d.onlyInB.size()).append('\n')
                .append("- same: ").append(d.same).append("\n\n");
        m.append("## Firings per tripwire\n\n| tripwire | A | B | only A | only B |\n|---|---:|---:|---:|---:|\n");
        Map<String, int[]> counts = new TreeMap<>();
        a.actions().forEach(x -> counts.computeIfAbsent(x.getTripwire(), k -> new int[4])[0]++);
        b.actions().forEach(x -> counts.computeIfAbsent(x.getTripwire(), k -> new int[4])[1]++);
        d.onlyInA.forEach(x -> counts.get(x.getTripwire())[2]++);
        d.onlyInB.forEach(x -> counts.get(x.getTripwire())[3]++);
        counts.forEach((t, c) -> m.append("| ").append(md(t)).append(" | ").append(c[0]).append(" | ").append(c[1])
                .append(" | ").append(c[2]).append(" | ").append(c[3]).append(" |\n"));
        if (counts.isEmpty()) {
            m.append("| (no firings) | 0 | 0 | 0 | 0 |\n");
        }
        section(m, "Only under A (" + nameA + ")", d.onlyInA);
        section(m, "Only under B (" + nameB + ")", d.onlyInB);
        m.append("\n## Same\n\n").append(d.same).append(" firings are the same under A and B");
        TreeSet<String> tripwires = new TreeSet<>();
        d.onlyInA.forEach(x -> tripwires.add(x.getTripwire()));
        d.onlyInB.forEach(x -> tripwires.add(x.getTripwire()));
        m.append(tripwires.isEmpty() ? "; no firing differs.\n" : "; differing tripwires: " + md(String.join(", ", tripwires)) + ".\n");
        return m.toString();
    }

    /** Writes {@link #render} to {@code file} (UTF-8), creating its directory. */
    public static void write(ReplayOutput a, String nameA, ReplayOutput b, String nameB, Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Files.writeString(file, render(a, nameA, b, nameB), StandardCharsets.UTF_8);
    }

    private static void section(StringBuilder m, String title, List<TripwireAction> actions) {
        m.append("\n## ").append(md(title)).append("\n\n");
        if (actions.isEmpty()) {
            m.append("None.\n");
            return;
        }
        m.append("| firedAt | tripwire | tenant | scope | action | reason |\n|---|---|---|---|---|---|\n");
        for (TripwireAction x : actions) {
            m.append("| ").append(x.getFiredAt()).append(" | ").append(md(x.getTripwire())).append(" | ")
                    .append(md(x.getTenant())).append(" | ").append(md(x.getScope())).append(" | ")
                    .append(x.getAction()).append(" | ").append(md(x.getReason())).append(" |\n");
        }
    }

    /** Text safe in a Markdown table cell: punctuation that Markdown or HTML would act on is escaped. */
    static String md(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n' || c == '\r') {
                b.append(' ');
            } else if ("\\`*[]<>|#~&".indexOf(c) >= 0 || c == '_' && !intraword(s, i)) {
                b.append('\\').append(c);
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    // CommonMark never reads an underscore inside a word as emphasis: TENANT_004 can stay as it is
    private static boolean intraword(String s, int i) {
        return i > 0 && i < s.length() - 1 && Character.isLetterOrDigit(s.charAt(i - 1)) && Character.isLetterOrDigit(s.charAt(i + 1));
    }
}
