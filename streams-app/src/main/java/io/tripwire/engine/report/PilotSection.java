package io.tripwire.engine.report;

import io.tripwire.engine.pilot.PilotReview;
import io.tripwire.engine.pilot.PilotReview.Approval;
import io.tripwire.engine.pilot.PilotReview.Ratio;
import io.tripwire.engine.pilot.PilotReview.Refusal;
import io.tripwire.engine.pilot.PilotReview.Verdict;
import io.tripwire.engine.tripwires.Significance;
import io.tripwire.schemas.AutonomyMode;
import io.tripwire.schemas.TripwireAction;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The autonomy pilot's weekly review (issue 24, {@link PilotReview}) as the report and the evidence
 * bundle show it, per tenant with autonomy decisions: the loop's three checks (simulation delta,
 * autonomy, compensation), each with its figure, rule, verdict and e-value; the HITL overrides; the
 * approvals to enact (who, key, when, what ended them) and the refused ones with why; the loop's
 * tripwires that fired, with when. One wording for the page (HTML) and the bundle (Markdown, JSON),
 * so the two cannot tell a reviewer different things.
 */
public final class PilotSection {

    /** Firing times listed per tripwire and action; the rest are counted (all are in the actions table). */
    static final int TIMES_SHOWN = 5;

    private PilotSection() {
    }

    /** One check of the loop as a table row. */
    private record Check(String name, String ops, String figure, String rule, String verdict, String evidence) {
    }

    /** The tenant's review as a part of its report section, {@code <h3 id="pilot-N">} first. */
    static String html(PilotReview r, int index, List<TripwireAction> actions) {
        StringBuilder b = new StringBuilder();
        b.append("<h3 id=\"pilot-").append(index).append("\">Autonomy pilot review</h3>");
        b.append("<p class=\"meta\">").append(Html.esc(intro(r))).append("</p>");
        b.append("<table class=\"pilot\"><tr><th>check</th><th>ops</th><th>figure</th><th>passes when</th><th>verdict</th>"
                + "<th>evidence</th></tr>");
        for (Check c : checks(r)) {
            b.append("<tr><td>").append(Html.esc(c.name)).append("</td><td>").append(Html.esc(c.ops)).append("</td><td class=\"num\">")
                    .append(Html.esc(c.figure)).append("</td><td>").append(Html.esc(c.rule)).append("</td><td>")
                    .append(c.verdict.isEmpty() ? "" : "<span class=\"badge verdict-" + c.verdict.toLowerCase(Locale.ROOT).replace("/", "")
                            + "\">" + Html.esc(c.verdict) + "</span>")
                    .append("</td><td>").append(Html.esc(c.evidence)).append("</td></tr>");
        }
        b.append("</table>");
        b.append("<table class=\"pilot-approvals\"><caption>Approvals to enact</caption><tr><th>at (UTC)</th><th>token</th><th>by</th>"
                + "<th>approver (key id)</th><th>outcome</th></tr>");
        List<List<String>> approvals = approvalRows(r);
        for (List<String> row : approvals) {
            b.append("<tr><td class=\"time\">").append(Html.esc(row.get(0))).append("</td><td>").append(Html.esc(row.get(1)))
                    .append("</td><td>").append(Html.esc(row.get(2))).append("</td><td>").append(Html.esc(row.get(3)))
                    .append("</td><td class=\"reason\">").append(Html.esc(row.get(4))).append("</td></tr>");
        }
        if (approvals.isEmpty()) {
            b.append("<tr><td colspan=\"5\" class=\"note\">").append(Html.esc(noApprovals(r))).append("</td></tr>");
        }
        b.append("</table>");
        b.append("<table class=\"pilot-loop\"><caption>The loop's tripwires that fired</caption><tr><th>tripwire</th><th>action</th>"
                + "<th>records</th><th>firedAt (UTC)</th></tr>");
        Map<String, List<Instant>> firings = firings(r, actions);
        r.loopActions().forEach((key, n) -> {
            String[] tw = key.split(" ", 2);
            b.append("<tr><td class=\"tripwire\">").append(Html.esc(tw[0])).append("</td><td class=\"action\">")
                    .append(ReportTables.badge(tw[1])).append("</td><td class=\"num\">").append(n).append("</td><td class=\"time\">")
                    .append(Html.esc(times(firings.getOrDefault(key, List.of())))).append("</td></tr>");
        });
        if (r.loopActions().isEmpty()) {
            b.append("<tr><td colspan=\"4\" class=\"note\">").append(Html.esc(noneFired())).append("</td></tr>");
        }
        return b.append("</table>\n").toString();
    }

    /**
     * The reviews as the decision memo's Markdown section ("## Autonomy pilot review"), a heading per tenant with its checks,
     * approvals and refusals, and the loop's firings; empty without reviews (a memo without autonomy decisions is unchanged).
     */
    public static String markdown(List<PilotReview> reviews, List<TripwireAction> actions) {
        if (reviews.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder("\n## Autonomy pilot review\n\n");
        for (PilotReview r : reviews) {
            b.append("### ").append(md(r.tenant())).append("\n\n").append(md(intro(r))).append("\n\n");
            b.append("| check | ops | figure | passes when | verdict | evidence |\n|---|---|---:|---|---|---|\n");
            for (Check c : checks(r)) {
                b.append("| ").append(md(c.name)).append(" | ").append(c.ops).append(" | ").append(md(c.figure)).append(" | ")
                        .append(md(c.rule)).append(" | ").append(c.verdict.isEmpty() ? "" : "**" + c.verdict + "**").append(" | ")
                        .append(md(c.evidence)).append(" |\n");
            }
            b.append("\nApprovals to enact:\n\n");
            List<List<String>> approvals = approvalRows(r);
            if (approvals.isEmpty()) {
                b.append(md(noApprovals(r))).append("\n\n");
            } else {
                b.append("| at (UTC) | token | by | approver (key id) | outcome |\n|---|---|---|---|---|\n");
                for (List<String> row : approvals) {
                    b.append("|");
                    row.forEach(cell -> b.append(" ").append(md(cell)).append(" |"));
                    b.append("\n");
                }
                b.append("\n");
            }
            b.append("The loop's tripwires that fired:\n\n");
            if (r.loopActions().isEmpty()) {
                b.append(md(noneFired())).append("\n\n");
            } else {
                Map<String, List<Instant>> firings = firings(r, actions);
                b.append("| tripwire | action | records | firedAt (UTC) |\n|---|---|---:|---|\n");
                r.loopActions().forEach((key, n) -> {
                    String[] tw = key.split(" ", 2);
                    b.append("| ").append(md(tw[0])).append(" | ").append(md(tw[1])).append(" | ").append(n).append(" | ")
                            .append(md(times(firings.getOrDefault(key, List.of())))).append(" |\n");
                });
                b.append("\n");
            }
        }
        return b.toString();
    }

    /**
     * The reviews as plain data for JSON, with the field names of {@code gate --autonomy --json} (a script reads both
     * alike): figures as numbers, times as ISO-8601, e-values null without decided ops.
     */
    public static List<Map<String, Object>> json(List<PilotReview> reviews, List<TripwireAction> actions) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (PilotReview r : reviews) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("tenant", r.tenant());
            m.put("from", r.from().toString());
            m.put("to", r.to().toString());
            m.put("checks", List.of(json(r.simulationDelta()), json(r.autonomyRate()), json(r.compensationRate())));
            Map<String, Object> hitl = new LinkedHashMap<>();
            hitl.put("overrides", r.hitlDecisions());
            hitl.put("decidedEnactOps", r.autonomyRate().n());
            m.put("hitl", hitl);
            m.put("approvals", r.approvals().stream().map(Approval::toMap).toList());
            m.put("refusals", r.refusals().stream().map(Refusal::toMap).toList());
            Map<String, List<Instant>> firings = firings(r, actions);
            List<Map<String, Object>> loop = new ArrayList<>();
            r.loopActions().forEach((key, n) -> {
                String[] tw = key.split(" ", 2);
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("tripwire", tw[0]);
                x.put("action", tw[1]);
                x.put("records", n);
                x.put("firedAt", firings.getOrDefault(key, List.of()).stream().map(Instant::toString).toList());
                loop.add(x);
            });
            m.put("loopFirings", loop);
            out.add(m);
        }
        return out;
    }

    private static Map<String, Object> json(Ratio x) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("check", x.name());
        c.put("verdict", x.verdict().name());
        c.putAll(x.figures());
        return c;
    }

    /** One line: "TENANT_001 simulation delta PASS, autonomy rate FAIL, compensation rate FAIL; TENANT_002 ...". */
    public static String verdicts(List<PilotReview> reviews) {
        List<String> parts = new ArrayList<>();
        for (PilotReview r : reviews) {
            List<String> checks = new ArrayList<>();
            for (Ratio x : List.of(r.simulationDelta(), r.autonomyRate(), r.compensationRate())) {
                checks.add(x.name() + " " + (x.verdict() == Verdict.NA ? "n/a" : x.verdict().name()));
            }
            parts.add(r.tenant() + " " + String.join(", ", checks));
        }
        return String.join("; ", parts);
    }

    private static String intro(PilotReview r) {
        return "Over the events from " + Ticks.full(r.from().toEpochMilli()) + " to " + Ticks.full(r.to().toEpochMilli())
                + ". PASS: significantly on the good side of the rule's threshold (its e-value reaches the rule's level, SPEC 3 "
                + "\"Significance\"); FAIL: significantly on the bad side; INCONCLUSIVE: neither yet, or fewer decided ops than the "
                + "rule's min-events (the engine neither fires nor honours an approval on fewer); n/a: no decided ops of its mode.";
    }

    private static List<Check> checks(PilotReview r) {
        List<Check> out = new ArrayList<>();
        out.add(ratio(r.simulationDelta(), "simulated ops differed from production"));
        out.add(ratio(r.autonomyRate(), "enacted ops autonomous"));
        out.add(ratio(r.compensationRate(), "enacted ops compensated"));
        long decided = r.autonomyRate().n();
        out.add(new Check("HITL overrides", AutonomyMode.ENACT.name(), count(r.hitlDecisions()) + " of " + count(decided)
                + " enacted ops a human stepped into" + (decided == 0 ? "" : " (" + Kpis.pct((double) r.hitlDecisions() / decided, 2) + ")"),
                "counted, not judged", "", "HITL_OVERRIDE decisions"));
        return out;
    }

    /**
     * "211 of 214 enacted ops autonomous (98.60%)"; its rule ("autonomy-rate: significantly over 99.90% (e ≥ 20), on at least
     * 100 decided ops"); its verdict; and the e-value that could decide, the one on the side the estimate is on.
     */
    private static Check ratio(Ratio x, String what) {
        String threshold = Kpis.pct(x.threshold(), 2);
        String figure = count(x.k()) + " of " + count(x.n()) + " " + what + (x.n() == 0 ? "" : " (" + Kpis.pct(x.share(), 2) + ")");
        String rule = (x.ruleId() == null ? "no such rule, the defaults" : x.ruleId()) + ": significantly "
                + (x.goodBelow() ? "under " : "over ") + threshold + " (e ≥ " + eText(x.level()) + "), on at least " + count(x.minEvents())
                + " decided ops";
        String evidence;
        if (x.verdict() == Verdict.NA) {
            evidence = "no decided " + x.mode().name() + " ops in the window";
        } else {
            boolean below = x.share() < x.threshold();
            evidence = "e = " + eText(below ? x.eBelow() : x.eAbove()) + " that the true share is " + (below ? "under " : "over ") + threshold
                    + " (a verdict needs " + eText(x.level()) + ")"
                    + (x.n() < x.minEvents() ? "; fewer than " + count(x.minEvents()) + " decided ops: too few to decide" : "");
        }
        return new Check(x.name(), x.mode().name(), figure, rule, x.verdict() == Verdict.NA ? "n/a" : x.verdict().name(), evidence);
    }

    /** An e-value as the gate writes it: 3 digits, "< 0.001" for less. */
    private static String eText(double e) {
        return e < 1e-3 ? "< 0.001" : Significance.Test.eText(Math.min(e, Significance.MAX_E));
    }

    /** A row of the approvals table: its time, and its cells (at, token, by, approver (key id), outcome). */
    private record ApprovalRow(Instant at, List<String> cells) {
    }

    /** Honoured and refused approvals in time order. */
    private static List<List<String>> approvalRows(PilotReview r) {
        List<ApprovalRow> rows = new ArrayList<>();
        for (Approval a : r.approvals()) {
            String outcome = "honoured" + (a.at().isBefore(r.from()) ? " before the window, in force at its start" : "")
                    + (a.endedAt() != null ? "; ended at " + Ticks.full(a.endedAt().toEpochMilli()) + " by " + a.endedBy()
                    : a.replacedAt() != null ? "; replaced by the next approval at " + Ticks.full(a.replacedAt().toEpochMilli())
                    : "; in force at the end of the window");
            String approver = (a.approver() == null ? "(no longer in the rules)" : a.approver()) + " (" + a.keyId() + ")";
            rows.add(new ApprovalRow(a.at(), List.of(Ticks.full(a.at().toEpochMilli()), a.token(), a.by(), approver, outcome)));
        }
        for (Refusal f : r.refusals()) {
            rows.add(new ApprovalRow(f.at(), List.of(Ticks.full(f.at().toEpochMilli()), text(f.token()), text(f.by()),
                    f.keyId() == null ? "(no key)" : "(" + f.keyId() + ")", refused(f))));
        }
        rows.sort(java.util.Comparator.comparing(ApprovalRow::at)); // stable: honoured before refused at one time
        return rows.stream().map(ApprovalRow::cells).toList();
    }

    /** The AUDIT_EVENT's reason names the refusal's code; the code alone when there is no reason. */
    private static String refused(Refusal f) {
        if (f.why() == null) {
            return "refused: " + f.reason();
        }
        return f.reason() == null || f.why().contains(f.reason()) ? "refused: " + f.why() : "refused (" + f.reason() + "): " + f.why();
    }

    private static String text(String s) {
        return s == null ? "" : s;
    }

    private static String noApprovals(PilotReview r) {
        return r.autonomyRate().n() == 0 ? "None sent in the window." : "None sent in the window: the pilot enacted without one in it.";
    }

    private static String noneFired() {
        return "None of the loop's tripwires (" + String.join(", ", PilotReview.LOOP_TRIPWIRES) + ") fired.";
    }

    /** The firing times of the tenant's loop actions in the review's window, by "tripwire ACTION". */
    private static Map<String, List<Instant>> firings(PilotReview r, List<TripwireAction> actions) {
        Map<String, List<Instant>> out = new LinkedHashMap<>();
        for (TripwireAction a : actions) {
            if (a.getTenant().equals(r.tenant()) && PilotReview.LOOP_TRIPWIRES.contains(a.getTripwire())
                    && !a.getFiredAt().isBefore(r.from()) && a.getFiredAt().isBefore(r.to())) {
                out.computeIfAbsent(a.getTripwire() + " " + a.getAction(), k -> new ArrayList<>()).add(a.getFiredAt());
            }
        }
        return out;
    }

    private static String times(List<Instant> at) {
        List<String> shown = at.stream().limit(TIMES_SHOWN).map(t -> Ticks.full(t.toEpochMilli())).toList();
        String more = at.size() > TIMES_SHOWN ? ", … and " + (at.size() - TIMES_SHOWN) + " more" : "";
        return String.join(", ", shown) + more;
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /**
     * Text safe in a Markdown table cell or heading: pipes escaped, line breaks flattened, and a {@code <} that could open
     * an HTML tag or autolink escaped (what an approver or tenant writes is shown, never run, where the memo is rendered).
     */
    static String md(String s) {
        return s == null ? "" : s.replace("|", "\\|").replace("\r", " ").replace("\n", " ").replaceAll("<(?=[A-Za-z/!?])", "\\\\<");
    }
}
