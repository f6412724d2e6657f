package io.tripwire.engine.report;

import io.tripwire.engine.replay.ReplayOutput;
import io.tripwire.schemas.ActionType;
import io.tripwire.schemas.TripwireAction;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The report's tables: counts in the header, each tenant's actions, and the dead letters. */
final class ReportTables {

    /** Dead-letter rows shown; the rest are counted in a note (they are all in dead-letter.jsonl). */
    static final int DEAD_LETTER_ROWS = 200;

    private ReportTables() {
    }

    /** Actions by tripwire (with the actions each fired), actions by action, dead letters by reason. */
    static String counts(ReplayOutput out) {
        StringBuilder b = new StringBuilder("<div class=\"summary\">");
        Map<String, List<TripwireAction>> byTripwire = out.actions().stream()
                .collect(Collectors.groupingBy(TripwireAction::getTripwire, TreeMap::new, Collectors.toList()));
        b.append("<table class=\"by-tripwire\"><caption>Actions by tripwire</caption><tr><th>tripwire</th><th>actions</th><th>of which</th></tr>");
        byTripwire.forEach((tripwire, actions) -> {
            String detail = countBy(actions, a -> String.valueOf(a.getAction())).entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
            b.append("<tr><td>").append(Html.esc(tripwire)).append("</td><td class=\"num\">").append(actions.size())
                    .append("</td><td>").append(Html.esc(detail)).append("</td></tr>");
        });
        if (byTripwire.isEmpty()) {
            b.append("<tr><td colspan=\"3\" class=\"note\">no actions</td></tr>");
        }
        b.append("</table>");
        b.append("<table class=\"by-action\"><caption>Actions by action</caption><tr><th>action</th><th>count</th></tr>");
        countBy(out.actions(), a -> String.valueOf(a.getAction())).forEach((action, n) -> b.append("<tr><td>")
                .append(badge(action)).append("</td><td class=\"num\">").append(n).append("</td></tr>"));
        b.append("</table>");
        b.append("<table class=\"by-reason\"><caption>Dead letters by reason</caption><tr><th>reason</th><th>count</th></tr>");
        Map<String, Long> reasons = countBy(out.deadLetters(), d -> d.reason() == null ? "(none)" : d.reason());
        reasons.forEach((reason, n) -> b.append("<tr><td>").append(Html.esc(reason)).append("</td><td class=\"num\">")
                .append(n).append("</td></tr>"));
        if (reasons.isEmpty()) {
            b.append("<tr><td colspan=\"2\" class=\"note\">no dead letters</td></tr>");
        }
        return b.append("</table></div>").toString();
    }

    /** A tenant's actions in firing order; RESOLVED rows are tinted green. */
    static String actions(List<TripwireAction> actions) {
        StringBuilder b = new StringBuilder("<table class=\"actions\"><tr><th>firedAt (UTC)</th><th>tripwire</th><th>scope</th>"
                + "<th>action</th><th>params</th><th>reason</th><th>evidenceId</th></tr>");
        for (TripwireAction a : actions) {
            boolean resolved = a.getAction() == ActionType.RESOLVED;
            String params = new TreeMap<>(a.getParams()).entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
            String evidenceId = a.getEvidenceId() == null ? "" : a.getEvidenceId();
            b.append(resolved ? "<tr class=\"resolved\">" : "<tr>")
                    .append("<td class=\"time\">").append(Html.esc(String.valueOf(a.getFiredAt()))).append("</td>")
                    .append("<td class=\"tripwire\">").append(Html.esc(a.getTripwire())).append("</td>")
                    .append("<td class=\"scope\">").append(Html.esc(a.getScope())).append("</td>")
                    .append("<td class=\"action\">").append(badge(String.valueOf(a.getAction()))).append("</td>")
                    .append("<td>").append(Html.esc(params)).append("</td>")
                    .append("<td class=\"reason\">").append(Html.esc(a.getReason())).append(significance(a)).append("</td>")
                    .append("<td class=\"id\" title=\"").append(Html.esc(evidenceId)).append("\">")
                    .append(Html.esc(shortId(evidenceId))).append("</td></tr>");
        }
        return b.append("</table>").toString();
    }

    /** The KPI table ({@link Kpis}); "-" where there is nothing to divide. */
    static String kpis(List<Kpis.Row> rows) {
        if (rows.isEmpty()) {
            return "<p class=\"note\">No events counted.</p>";
        }
        StringBuilder b = new StringBuilder("<table class=\"kpis\"><tr><th>tenant</th><th>requests</th><th>availability</th>"
                + "<th>error budget remaining</th><th>read p95 / p99 ms</th><th>write p95 / p99 ms</th><th>max 1h burn</th>"
                + "<th>autonomy</th><th>compensation</th><th>HITL overrides</th><th>hold overrides</th><th>residency incidents</th>"
                + "<th>tripwires fired</th></tr>");
        for (Kpis.Row r : rows) {
            b.append("<tr><td>").append(Html.esc(r.tenant())).append("</td><td class=\"num\">").append(r.requests())
                    .append("</td><td class=\"num\">").append(Kpis.pct(r.availability(), 3))
                    .append("</td><td>").append(Html.esc(Kpis.budgets(r.budgetRemaining())))
                    .append("</td><td class=\"num\">").append(Kpis.num(r.readP95Ms())).append(" / ").append(Kpis.num(r.readP99Ms()))
                    .append("</td><td class=\"num\">").append(Kpis.num(r.writeP95Ms())).append(" / ").append(Kpis.num(r.writeP99Ms()))
                    .append("</td><td class=\"num\">").append(Kpis.num(r.maxBurnRate1h()))
                    .append("</td><td class=\"num\">").append(Kpis.pct(r.autonomyRate(), 2))
                    .append("</td><td class=\"num\">").append(Kpis.pct(r.compensationRate(), 2))
                    .append("</td><td class=\"num\">").append(r.hitlOverrides()).append("</td><td class=\"num\">").append(r.holdOverrides())
                    .append("</td><td class=\"num\">").append(r.residencyIncidents())
                    .append("</td><td>").append(Html.esc(Kpis.fired(r.tripwiresFired()))).append("</td></tr>");
        }
        return b.append("</table>").toString();
    }

    /** For a ratio firing whose estimate went past its threshold before the breach was significant: since when. */
    private static String significance(TripwireAction a) {
        Long since = SvgChart.pastSince(a);
        if (since == null || since >= a.getFiredAt().toEpochMilli() || a.getAction() == ActionType.RESOLVED) {
            return "";
        }
        return "<span class=\"significance\">past its threshold since " + Html.esc(Ticks.full(since))
                + "; not significant until it fired</span>";
    }

    /** The first {@link #DEAD_LETTER_ROWS} dead letters and a note of how many more there are. */
    static String deadLetters(List<ReplayOutput.DeadLetter> deadLetters) {
        if (deadLetters.isEmpty()) {
            return "<p class=\"note\">No input line was rejected.</p>";
        }
        String where = deadLetters.get(0).source() == null ? "line" : "record"; // a file's line, or a topic's topic-partition@offset
        StringBuilder b = new StringBuilder("<table class=\"dead-letters\"><tr><th>" + where + "</th><th>reason</th><th>error</th></tr>");
        for (ReplayOutput.DeadLetter d : deadLetters.subList(0, Math.min(DEAD_LETTER_ROWS, deadLetters.size()))) {
            b.append("<tr><td class=\"num\">").append(Html.esc(d.source() != null ? d.source() : Long.toString(d.line())))
                    .append("</td><td>").append(Html.esc(d.reason()))
                    .append("</td><td class=\"error\">").append(Html.esc(d.error())).append("</td></tr>");
        }
        b.append("</table>");
        if (deadLetters.size() > DEAD_LETTER_ROWS) {
            b.append("<p class=\"note more\">… and ").append(deadLetters.size() - DEAD_LETTER_ROWS)
                    .append(" more dead letters not shown (all are in dead-letter.jsonl).</p>");
        }
        return b.toString();
    }

    /** The colour key: severities, signal line, threshold line; {@code canary}: the canary charts' stage boundaries too. */
    static String legend(boolean canary) {
        StringBuilder b = new StringBuilder("<div class=\"legend\"><b>Legend</b>");
        for (Severity s : List.of(Severity.CORRECTIVE, Severity.ALERT, Severity.RESOLVED)) {
            b.append("<span><i class=\"swatch sev-").append(s.css).append("\"></i>").append(Html.esc(s.legend)).append("</span>");
        }
        return b.append("<span><i class=\"swatch line\"></i>signal value</span>")
                .append("<span><i class=\"swatch dashed\"></i>threshold (tripwire and value)</span>")
                .append("<span><i class=\"swatch awaiting\"></i>past its threshold, not yet significant (SPEC 3)</span>")
                .append(canary ? "<span><i class=\"swatch stage\"></i>canary stage boundary (rollout step)</span>" : "")
                .append("<span class=\"note\">hover a marker for its action, tripwire, firedAt and reason</span></div>")
                .toString();
    }

    static String badge(String action) {
        Severity s = Severity.OTHER;
        try {
            s = Severity.of(ActionType.valueOf(action));
        } catch (IllegalArgumentException e) {
            // not an action type this reader knows: grey
        }
        return "<span class=\"badge sev-" + s.css + "\">" + Html.esc(action) + "</span>";
    }

    private static String shortId(String id) {
        return id.length() <= 12 ? id : id.substring(0, 12) + "…";
    }

    private static <T> Map<String, Long> countBy(List<T> items, Function<T, String> key) {
        return items.stream().collect(Collectors.groupingBy(key, TreeMap::new, Collectors.counting()));
    }
}
