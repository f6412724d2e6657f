package io.tripwire.engine.report;

import io.tripwire.engine.Engines;
import io.tripwire.engine.replay.FileReplay;
import io.tripwire.engine.replay.ReplayEngine;
import io.tripwire.engine.replay.ReplayOutput;
import io.tripwire.schemas.HumanOverride;
import io.tripwire.signing.ActionSigner;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.tripwire.engine.Events.at;
import static io.tripwire.engine.Events.autonomy;
import static io.tripwire.engine.Events.unsignedOverride;
import static io.tripwire.engine.report.ReportFixtures.all;
import static io.tripwire.engine.report.ReportFixtures.count;
import static io.tripwire.engine.report.ReportFixtures.section;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The autonomy pilot's weekly review in report.html (issue 24), rendered from a replay of
 * test-data/wave-a.jsonl under the story rules (test-data/README.md): TENANT_001 simulates for an
 * hour, is refused an early approval, honoured a later one, enacts and is throttled; TENANT_002 only
 * simulates; TENANT_003 enacts without an approval.
 */
class ReportPilotTest {

    private static ReplayOutput out;
    private static String page;

    @BeforeAll
    static void replayWaveA() throws Exception {
        out = FileReplay.read(Path.of("..", "test-data", "wave-a.jsonl"), (p, d, t) -> { })
                .replay(Engines.rules(), new ActionSigner(Engines.KEYS.getPrivate()), (p, d, t) -> { });
        page = ReportWriter.render(out, Engines.rules(), "Wave A");
    }

    /** The tenant's pilot review: from its heading to the end of its table of the loop's firings. */
    private static String pilot(String html, String tenant) {
        String s = section(html, tenant);
        int from = s.indexOf("<h3 id=\"pilot-");
        assertThat(from).as("a pilot review for " + tenant).isNotNegative();
        int loop = s.indexOf("<table class=\"pilot-loop\"", from);
        return s.substring(from, s.indexOf("</table>", loop) + "</table>".length());
    }

    private static List<String> verdicts(String review) {
        return all(review, "<span class=\"badge verdict-[a-z]+\">([^<]+)</span>");
    }

    /** The approvals table's rows, cells joined by " | ". */
    private static List<String> approvalRows(String review) {
        String table = review.substring(review.indexOf("<table class=\"pilot-approvals\""));
        table = table.substring(0, table.indexOf("</table>"));
        return all(table, "<tr>(<td.*?)</tr>").stream().map(row -> String.join(" | ", all(row, "<td[^>]*>(.*?)</td>"))).toList();
    }

    @Test
    void tenant001sReviewNamesTheRefusedApprovalTheHonouredOneAndTheThrottleThatEndedIt() {
        String review = pilot(page, "TENANT_001");

        assertThat(review).contains("0 of 1,349 simulated ops differed from production (0.00%)",
                "211 of 214 enacted ops autonomous (98.60%)", "6 of 214 enacted ops compensated (2.80%)",
                "3 of 214 enacted ops a human stepped into (1.40%)");
        // each check names the rule it was judged by, as gate --autonomy does
        assertThat(all(review, "<td>([a-z-]+): significantly")).containsExactly("simulation-delta", "autonomy-rate", "autonomy-compensation");
        assertThat(review).contains("autonomy-rate: significantly over 99.90% (e ≥ 20), on at least 100 decided ops");
        // simulation delta, autonomy rate, compensation rate
        assertThat(verdicts(review)).containsExactly("PASS", "FAIL", "FAIL");
        // the autonomy-rate ALERT's own e-value at 10:38:05 (test-data/README.md)
        assertThat(review).contains("e = 48.4 that the true share is under 99.90% (a verdict needs 20)");
        assertThat(approvalRows(review)).containsExactly(
                "2025-10-06 09:30:01 UTC | CHG-PILOT-0 | pilot-lead@example.org | (pilot-2025) | refused: override of simulation-delta by "
                        + "pilot-lead@example.org (token CHG-PILOT-0) refused, override-simulation-not-passed: simulation delta 0 "
                        + "(0 / 600 over 24h) is not yet significantly below 0.005: e = 11.1 &lt; 20 at 95% confidence",
                "2025-10-06 09:55:01 UTC | CHG-PILOT-1 | pilot-lead@example.org | pilot-lead@example.org (pilot-2025) | honoured; "
                        + "ended at 2025-10-06 10:35:05 UTC by autonomy-compensation THROTTLE_AUTONOMY");
        assertThat(all(review, "<td class=\"tripwire\">([^<]+)</td>")).containsExactly("autonomy-compensation", "autonomy-compensation",
                "autonomy-rate");
        assertThat(all(review, "<span class=\"badge sev-[a-z]+\">([A-Z_]+)</span>"))
                .containsExactly("THROTTLE_AUTONOMY", "ENTER_SIMULATE", "ALERT");
        assertThat(review).contains("ENTER_SIMULATE</span></td><td class=\"num\">1</td><td class=\"time\">2025-10-06 10:35:05 UTC</td>",
                "ALERT</span></td><td class=\"num\">1</td><td class=\"time\">2025-10-06 10:38:05 UTC</td>")
                .doesNotContain("unapproved-enact");
    }

    @Test
    void tenant002sSimulationIsInconclusiveAndItHasNothingToEnact() {
        String review = pilot(page, "TENANT_002");

        assertThat(review).contains("0 of 360 simulated ops differed from production (0.00%)",
                "e = 4.01 that the true share is under 0.50% (a verdict needs 20)",
                "0 of 0 enacted ops autonomous<", "no decided ENACT ops in the window", "None sent in the window.<",
                "None of the loop&#39;s tripwires (simulation-delta, unapproved-enact, autonomy-compensation, autonomy-rate) fired.");
        assertThat(verdicts(review)).containsExactly("INCONCLUSIVE", "n/a", "n/a");
    }

    @Test
    void tenant003EnactedWithoutAnApprovalAndUnapprovedEnactStoppedIt() {
        String review = pilot(page, "TENANT_003");

        assertThat(verdicts(review)).containsExactly("n/a", "INCONCLUSIVE", "INCONCLUSIVE");
        assertThat(review).contains("None sent in the window: the pilot enacted without one in it.",
                "6 of 6 enacted ops autonomous (100.00%)", "fewer than 100 decided ops: too few to decide");
        assertThat(all(review, "<td class=\"tripwire\">([^<]+)</td>")).containsExactly("unapproved-enact", "unapproved-enact",
                "unapproved-enact");
        assertThat(all(review, "<span class=\"badge sev-[a-z]+\">([A-Z_]+)</span>"))
                .containsExactly("THROTTLE_AUTONOMY", "ENTER_SIMULATE", "AUDIT_EVENT");
        assertThat(count(review, "<td class=\"time\">2025-10-06 10:45:00 UTC</td>")).isEqualTo(3);
    }

    @Test
    void onlyTenantsWithAutonomyDecisionsHaveAReviewLinkedFromTheTenantList() {
        assertThat(all(page, "<h3 id=\"(pilot-[0-9]+)\">")).containsExactly("pilot-1", "pilot-2", "pilot-3");
        assertThat(section(page, "TENANT_004")).doesNotContain("pilot review", "Autonomy pilot review");
        assertThat(section(page, "TENANT_005")).doesNotContain("pilot review", "Autonomy pilot review");
        assertThat(page).contains("<a href=\"#tenant-1\">TENANT_001</a> (" + actionsOf("TENANT_001")
                        + " actions, <a href=\"#pilot-1\">pilot review</a>)</li>",
                "<a href=\"#tenant-4\">TENANT_004</a> (" + actionsOf("TENANT_004") + " actions)</li>");
    }

    private static long actionsOf(String tenant) {
        return out.actions().stream().filter(a -> a.getTenant().equals(tenant)).count();
    }

    @Test
    void theReviewAddsToThePageAndChangesNothingElse() {
        ReplayOutput withoutPilot = new ReplayOutput(out.actions(), out.signals(), out.deadLetters(), out.eventsRead(), out.kpis(), List.of());
        String without = ReportWriter.render(withoutPilot, Engines.rules(), "Wave A");
        assertThat(without).doesNotContain("Autonomy pilot review", "pilot review</a>", "verdict-");

        // the page less its reviews, their links and their styles is the page without them, byte for byte
        String stripped = page;
        for (String tenant : List.of("TENANT_001", "TENANT_002", "TENANT_003")) {
            stripped = stripped.replace(pilot(page, tenant) + "\n", "");
        }
        stripped = stripped.replaceAll(", <a href=\"#pilot-[0-9]+\">pilot review</a>", "");
        String css = page.substring(page.indexOf(".badge.verdict-pass"), page.indexOf("table.pilot td.num{white-space:nowrap}\n")
                + "table.pilot td.num{white-space:nowrap}\n".length());
        stripped = stripped.replace(css, "");
        assertThat(stripped).isEqualTo(without);
    }

    @Test
    void aPageWithoutAutonomyDecisionsHasNoReviewAndNoPilotStyles() {
        String canary = ReportWriter.render(ReportScenario.canary(), Engines.rules(), "canary");
        assertThat(ReportScenario.canary().pilotEvents()).isEmpty();
        assertThat(canary).doesNotContain("pilot", "verdict-");
    }

    @Test
    void whatApproversAndTenantsWriteIsEscaped() {
        String tenant = "<b>T&J's</b>";
        String by = "<img src=x onerror=alert(1)>";
        List<SpecificRecord> events = new ArrayList<>();
        Instant t0 = at("2025-10-06T09:00:00Z");
        for (int i = 0; i < 50; i++) {
            events.add(autonomy(t0.plusSeconds(3L * i), tenant, "op-" + i, "SIMULATE", "AUTONOMOUS"));
        }
        HumanOverride approval = unsignedOverride(t0.plusSeconds(200), tenant, "simulation-delta", "<tok>&");
        events.add(HumanOverride.newBuilder(approval).setBy(by).build());
        ReplayOutput hostile;
        try (ReplayEngine engine = Engines.engine()) {
            engine.sendAll(events);
            hostile = engine.output();
        }
        String html = ReportWriter.render(hostile, Engines.rules(), "hostile");

        String review = pilot(html, "&lt;b&gt;T&amp;J&#39;s&lt;/b&gt;");
        assertThat(approvalRows(review)).singleElement().asString()
                .startsWith("2025-10-06 09:03:20 UTC | &lt;tok&gt;&amp; | &lt;img src=x onerror=alert(1)&gt; | (no key) | refused: ")
                .contains("override-unsigned");
        assertThat(html).doesNotContain(by, tenant, "<tok>");
    }
}
