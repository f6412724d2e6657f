package io.tripwire.engine.report;

import io.tripwire.engine.Engines;
import io.tripwire.engine.replay.ReplayOutput;
import io.tripwire.engine.rules.Rules;
import io.tripwire.schemas.ActionType;
import io.tripwire.schemas.TripwireAction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.tripwire.engine.report.ReportFixtures.action;
import static io.tripwire.engine.report.ReportFixtures.count;
import static io.tripwire.engine.report.ReportFixtures.figure;
import static io.tripwire.engine.report.ReportFixtures.markerTitles;
import static io.tripwire.engine.report.ReportFixtures.output;
import static io.tripwire.engine.report.ReportFixtures.section;
import static io.tripwire.engine.report.ReportFixtures.signal;
import static io.tripwire.engine.report.ReportFixtures.tenantSections;
import static io.tripwire.engine.report.ReportFixtures.thresholdLabels;
import static io.tripwire.engine.report.ReportFixtures.tickLabels;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** report.html of a replay (SPEC section 5), rendered from the incident of {@link ReportScenario}. */
class ReportWriterTest {

    private static final String P95_READ = "p95 latency (5m window) · READ";
    private static final String REPLICA_LAG = "replica lag · pg_replica_lag_seconds{replica=&quot;db-2&quot;}";

    private static Rules rules;
    private static ReplayOutput incident;
    private static String page;

    @BeforeAll
    static void replayTheIncident() {
        rules = Engines.rules();
        incident = ReportScenario.incident();
        page = ReportWriter.render(incident, rules, "Incident 2025-10-06 <Wave A> & \"pilot\"");
    }

    @Test
    void drawsOneSvgChartPerSignalAndScopeOfEachTenantPlusAnEventsStripWhereActionsHaveNoChart() {
        Set<String> series = new HashSet<>();
        for (String line : incident.signals()) {
            SignalPoint p = SignalPoint.parse(line).orElseThrow();
            series.add(p.tenant() + "|" + p.signal() + "|" + p.scope());
        }
        assertThat(series).hasSizeGreaterThanOrEqualTo(9);
        // events strips: TENANT_004 (ramp-freeze), TENANT_005 (policy denies), the hostile tenant (residency deny),
        // and the overview's timeline of all actions
        String tenants = tenantSections(page);
        assertThat(count(tenants, "<figure class=\"events\">")).isEqualTo(3);
        assertThat(count(page, "<figure class=\"events\">")).isEqualTo(4);
        assertThat(count(page, "<figure class=\"signal\">")).isEqualTo(series.size());
        assertThat(count(page, "<svg")).isEqualTo(series.size() + 4);
        assertThat(count(page, "<polyline class=\"series\"")).isGreaterThanOrEqualTo(series.size());
    }

    @Test
    void drawsEachTripwireThresholdDashedAndLabelledOnItsSignalChart() {
        assertThat(thresholdLabels(figure(page, "TENANT_004", P95_READ))).containsExactly("read-latency 350 ms");
        assertThat(thresholdLabels(figure(page, "TENANT_004", "p99 latency (5m window) · READ"))).isEmpty();
        assertThat(thresholdLabels(figure(page, "TENANT_004", "error budget remaining (24h) · api"))).containsExactly("error-budget 0.6");
        assertThat(thresholdLabels(figure(page, "TENANT_004", "burn rate (1h) · api")))
                .containsExactly("burn-rate-fast 14.4× (1h &amp; 5m)", "burn-rate-slow 6× (6h &amp; 30m)");
        assertThat(thresholdLabels(figure(page, "TENANT_004", REPLICA_LAG))).containsExactly("replica-lag 60 s");
        assertThat(thresholdLabels(figure(page, "TENANT_001", "compensation rate (24h) · ENACT"))).containsExactly("autonomy-compensation 0.005");
        assertThat(thresholdLabels(figure(page, "TENANT_001", "autonomy rate (24h) · ENACT"))).containsExactly("autonomy-rate 0.999");
        assertThat(figure(page, "TENANT_004", P95_READ)).contains("class=\"threshold-line dash0\"");
        assertThat(page).contains(".dash0{stroke-dasharray:");
    }

    @Test
    void aThresholdLineSitsAtItsValueOnTheSameScaleAsTheLine() {
        // a line from 0 to 700 ms: the 350 ms threshold is drawn half-way between its ends
        ReplayOutput out = output(List.of(), List.of(
                signal("latency_p95_ms", "T", "READ", "2025-10-06T10:00:00Z", 0),
                signal("latency_p95_ms", "T", "READ", "2025-10-06T10:10:00Z", 700)));
        String chart = figure(ReportWriter.render(out, rules, "t"), "T", P95_READ);
        List<double[]> line = ReportFixtures.polylinePoints(chart);
        assertThat(line).hasSize(2);
        assertThat(ReportFixtures.thresholdYs(chart)).singleElement()
                .satisfies(y -> assertThat(y).isCloseTo((line.get(0)[1] + line.get(1)[1]) / 2, within(0.2)));
    }

    @Test
    void marksEveryActionExactlyOnceOnTheChartOfItsTripwireOrOnTheEventsStrip() {
        // once in the tenant's section (and once more on the overview's timeline of all actions)
        assertThat(count(tenantSections(page), "<g class=\"marker ")).isEqualTo(incident.actions().size());
        String p95 = figure(page, "TENANT_004", P95_READ);
        assertThat(markerTitles(p95)).containsExactly(
                "ALERT · read-latency · READ · firedAt 2025-10-06T10:11:00Z",
                "RESOLVED · read-latency · READ · firedAt 2025-10-06T10:20:00Z");
        assertThat(markerTitles(figure(page, "TENANT_004", "p99 latency (5m window) · READ"))).isEmpty();
        assertThat(markerTitles(figure(page, "TENANT_004", REPLICA_LAG))).hasSize(5)
                .allMatch(t -> t.contains(" · replica-lag · "));
        assertThat(markerTitles(figure(page, "TENANT_004", "burn rate (1h) · api")))
                .allMatch(t -> t.contains(" · burn-rate-")).hasSize(3);
        assertThat(markerTitles(figure(page, "TENANT_004", "Events")))
                .containsExactly("ROLLBACK_LAST_STEP · ramp-freeze · TENANT_004 · firedAt 2025-10-06T10:30:00Z");
        String tenant5Events = figure(page, "TENANT_005", "Events");
        // residency: ABORT_OP, AUDIT_EVENT, REQUIRE_HITL, RESOLVED, then the three again; purpose: ABORT_OP, AUDIT_EVENT
        assertThat(markerTitles(tenant5Events)).hasSize(9) // drawn lane by lane
                .containsExactlyInAnyOrderElementsOf(incident.actions().stream().filter(a -> a.getTenant().equals("TENANT_005"))
                        .map(a -> a.getAction() + " · " + a.getTripwire() + " · TENANT_005 · firedAt " + a.getFiredAt()).toList());
        assertThat(tenant5Events).contains(">residency-violation</text>", ">purpose-missing</text>");
    }

    @Test
    void aMarkerCarriesItsActionTripwireFiredAtAndReasonInATooltipAndItsSeverityColour() {
        String budget = figure(page, "TENANT_004", "error budget remaining (24h) · api");
        assertThat(budget).contains("<g class=\"marker sev-corrective\"><title>ROLLBACK_LAST_STEP · error-budget · api · firedAt "
                + "2025-10-06T10:20:15Z\nerror budget remaining -2.289 &lt; 0.6 over 24h (bad 4 / total 1216; e = 29.2, p = 0.034 at 95% confidence)</title>");
        assertThat(budget).contains("<g class=\"marker sev-alert\"><title>OPEN_INCIDENT · error-budget");
        assertThat(figure(page, "TENANT_004", P95_READ)).contains("<g class=\"marker sev-resolved\"><title>RESOLVED · read-latency");
        assertThat(page).contains(".sev-corrective line{stroke:#c62828}", ".sev-alert line{stroke:#d98a00}",
                ".sev-resolved line{stroke:#2e7d32}");
        assertThat(page).contains("<div class=\"legend\">", "corrective action (changes the system)", "alert / notification", "resolved");
    }

    @Test
    void theHeaderIsFollowedByTheKpiTableAndOneTimelineOfEveryActionAcrossTenants() {
        String overview = page.substring(page.indexOf("<section class=\"overview\">"), page.indexOf("</section>", page.indexOf("<section class=\"overview\">")));
        assertThat(overview).contains("<h2 id=\"kpis\">KPIs by tenant</h2>", "<th>autonomy</th>", "<th>residency incidents</th>");
        // TENANT_004: 40 minutes of one READ a second (2,400 requests), a burst of 60 503s, the firings of the incident
        assertThat(overview).contains("<tr><td>TENANT_004</td><td class=\"num\">2400</td><td class=\"num\">97.500%</td>");
        assertThat(overview).contains("error-budget", "read-latency", "replica-lag");
        // TENANT_001's pilot: 1% HITL, 1% compensated (of 300 ENACT decisions)
        assertThat(overview).containsPattern("<tr><td>TENANT_001</td>.*<td class=\"num\">99\\.00%</td><td class=\"num\">1\\.00%</td>");
        String timeline = overview.substring(overview.indexOf("<h2 id=\"timeline\">"));
        assertThat(timeline).contains(incident.actions().size() + " action records in firing order, a lane per tenant");
        for (String tenant : List.of("TENANT_004", "TENANT_005", "TENANT_001")) {
            if (incident.actions().stream().anyMatch(a -> a.getTenant().equals(tenant))) {
                assertThat(timeline).contains("<text class=\"lane-label\"").contains(">" + tenant + "</text>");
            }
        }
        assertThat(timeline.split("<g class=\"marker ", -1)).hasSize(incident.actions().size() + 1);
    }

    @Test
    void aRatioFiringShowsWhereItsBreachBeganAndWhereItBecameSignificant() {
        // the burst's first 503 (10:20:00) puts the estimate past the threshold; at the fourth (10:20:15) its e-value reaches 20
        String budget = figure(page, "TENANT_004", "error budget remaining (24h) · api");
        assertThat(budget).containsOnlyOnce("<g class=\"awaiting\"><title>error-budget · api: past its threshold from "
                + "2025-10-06 10:20:00 UTC, not yet significant; significant (fired) at 2025-10-06 10:20:15 UTC</title><rect ");
        assertThat(page).contains("<span class=\"significance\">past its threshold since 2025-10-06 10:20:00 UTC; not significant until it fired</span>",
                "past its threshold, not yet significant");
        // a tripwire fired by one event has no such band
        assertThat(page).doesNotContain("residency-violation · TENANT_005: past its threshold");
    }

    @Test
    void labelsTheTimeAxisInUtcAndTheValueAxisWithRoundNumbers() {
        String p95 = figure(page, "TENANT_004", P95_READ);
        // p95 runs 170..560 ms with a 350 ms threshold: round hundreds, no zero floor for a band that high
        assertThat(tickLabels(p95)).containsExactly("100", "200", "300", "400", "500", "600",
                "10-06 10:00", "10:05", "10:10", "10:15", "10:20", "10:25", "10:30", "10:35", "10:40");
        assertThat(p95).contains(">UTC</text>", ">ms</text>");
    }

    @Test
    void chartsOfATenantShareOneTimeRangeSoTheyLineUp() {
        String section = section(page, "TENANT_004");
        Matcher m = Pattern.compile("<text class=\"tick\" x=\"([0-9.]+)\" y=\"[0-9.]+\" text-anchor=\"middle\">10:20</text>").matcher(section);
        Set<String> xs = new HashSet<>();
        int charts = 0;
        while (m.find()) {
            xs.add(m.group(1));
            charts++;
        }
        assertThat(charts).isEqualTo(count(section, "<svg"));
        assertThat(xs).hasSize(1);
    }

    @Test
    void theHeaderGivesTheTimeRangeAndCountsByTripwireActionAndDeadLetterReason() {
        String header = page.substring(0, page.indexOf("</header>"));
        assertThat(header).contains("<h1>Incident 2025-10-06 &lt;Wave A&gt; &amp; &quot;pilot&quot;</h1>",
                "Covers 2025-10-06 10:01:00 UTC to 2025-10-06 10:39:00 UTC",
                "events read<b>" + incident.eventsRead() + "</b>", "actions<b>" + incident.actions().size() + "</b>",
                "dead letters<b>2</b>",
                "<tr><td>read-latency</td><td class=\"num\">2</td><td>ALERT 1, RESOLVED 1</td></tr>",
                "<tr><td>replica-lag</td><td class=\"num\">5</td><td>FAILOVER_READ_REPLICAS 1, NOTIFY_ONCALL 1, QUEUE_WRITES 1, RESOLVED 1, STOP_RAMP 1</td></tr>",
                "<span class=\"badge sev-resolved\">RESOLVED</span></td><td class=\"num\">4</td>",
                "<tr><td>bad-json</td><td class=\"num\">1</td></tr>", "<tr><td>missing-field</td><td class=\"num\">1</td></tr>");
    }

    @Test
    void tenantsComeInNameOrderEachWithItsActionsInFiringOrder() {
        List<Integer> at = List.of(page.indexOf("<h2>&lt;script&gt;"), page.indexOf("<h2>TENANT_001</h2>"),
                page.indexOf("<h2>TENANT_004</h2>"), page.indexOf("<h2>TENANT_005</h2>"), page.indexOf("<h2 id=\"dead-letters\">"));
        assertThat(at).doesNotContain(-1).isSorted();
        String table = section(page, "TENANT_004");
        table = table.substring(table.indexOf("<table class=\"actions\">"));
        List<String> firedAt = new ArrayList<>();
        Matcher m = Pattern.compile("<td class=\"time\">([^<]+)</td>").matcher(table);
        while (m.find()) {
            firedAt.add(m.group(1));
        }
        assertThat(firedAt).isEqualTo(incident.actions().stream().filter(a -> a.getTenant().equals("TENANT_004"))
                .map(a -> a.getFiredAt().toString()).toList());
    }

    @Test
    void resolvedRowsAreTintedAndEvidenceIdsAreShortenedWithTheFullIdInTheirTitle() {
        long resolved = incident.actions().stream().filter(a -> a.getAction() == ActionType.RESOLVED).count();
        assertThat(count(page, "<tr class=\"resolved\">")).isEqualTo((int) resolved);
        assertThat(page).contains("tr.resolved td{background:");
        TripwireAction first = incident.actions().get(0);
        assertThat(page).contains("<td class=\"id\" title=\"" + first.getEvidenceId() + "\">"
                + first.getEvidenceId().substring(0, 12) + "…</td>");
    }

    @Test
    void escapesEveryStringFromTheData() {
        assertThat(page).doesNotContainIgnoringCase("<script").doesNotContain("<img").doesNotContain("T&J")
                .contains("<h2>&lt;script&gt;alert(&quot;T&amp;J&#39;s&quot;)&lt;/script&gt;</h2>")
                .contains("op-&lt;1&gt;&amp;")
                .contains("<td class=\"error\">line 7: &lt;img src=x onerror=alert(1)&gt; &amp; &quot;quoted&quot; &#39;single&#39;</td>")
                .contains("<title>Incident 2025-10-06 &lt;Wave A&gt; &amp; &quot;pilot&quot;</title>");
    }

    @Test
    void referencesNothingOnTheNetworkAndRunsNoScript() {
        // inline SVG in HTML needs no namespace; the SVG namespace URI would be the one allowed exception
        String withoutSvgNamespace = page.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
        assertThat(withoutSvgNamespace).doesNotContainIgnoringCase("http://").doesNotContainIgnoringCase("https://")
                .doesNotContainIgnoringCase("<script").doesNotContainIgnoringCase("<link")
                .doesNotContainIgnoringCase("<iframe").doesNotContainIgnoringCase("<object")
                .doesNotContainIgnoringCase("@import").doesNotContainIgnoringCase("@font-face").doesNotContainIgnoringCase("url(");
        assertThat(Pattern.compile("<[a-zA-Z][^>]*\\s(src|srcset|xlink:href|action|formaction)\\s*=", Pattern.CASE_INSENSITIVE)
                .matcher(page).find()).isFalse();
        Matcher href = Pattern.compile("\\shref\\s*=\\s*\"([^\"]*)\"", Pattern.CASE_INSENSITIVE).matcher(page);
        int links = 0;
        while (href.find()) {
            assertThat(href.group(1)).startsWith("#");
            links++;
        }
        assertThat(links).isEqualTo(6); // four tenants, TENANT_001's autonomy pilot review and the dead letters
    }

    @Test
    void showsTwoHundredDeadLettersAndANoteOfHowManyMore() {
        List<ReplayOutput.DeadLetter> dead = new ArrayList<>();
        for (int i = 1; i <= 250; i++) {
            dead.add(new ReplayOutput.DeadLetter(i, "bad-json", "line " + i + ": not JSON", "{"));
        }
        String html = ReportWriter.render(new ReplayOutput(List.of(), List.of(), dead, 0), rules, "t");
        String table = html.substring(html.indexOf("<table class=\"dead-letters\">"));
        assertThat(count(table, "<tr><td class=\"num\">")).isEqualTo(200);
        assertThat(table).contains("line 200: not JSON").doesNotContain("line 201: not JSON")
                .contains("… and 50 more dead letters not shown");
        assertThat(html).contains("<tr><td>bad-json</td><td class=\"num\">250</td></tr>");
    }

    @Test
    void thinsALongSeriesToAThousandPointsAndKeepsItsSpike() {
        // 100,000 minutes (about 69 days) at 10 s of lag, one minute at 9,999 s
        List<String> signals = new ArrayList<>(100_000);
        java.time.Instant t0 = java.time.Instant.parse("2025-08-01T00:00:00Z");
        for (int i = 0; i < 100_000; i++) {
            signals.add(signal("replica_lag_seconds", "T", "pg_replica_lag_seconds", t0.plusSeconds(60L * i).toString(),
                    i == 54_321 ? 9_999 : 10 + (i % 3)));
        }
        String html = ReportWriter.render(output(List.of(), signals), rules, "t");
        String chart = figure(html, "T", "replica lag · pg_replica_lag_seconds");
        List<double[]> points = ReportFixtures.polylinePoints(chart);
        assertThat(points).hasSizeBetween(100, ReportWriter.MAX_POINTS);
        assertThat(tickLabels(chart)).contains("10000"); // the axis reaches the spike: it was drawn
        double[] ys = points.stream().mapToDouble(p -> p[1]).sorted().toArray();
        // the spike towers over the rest of the line: most of the plot's 170 px above the median point
        assertThat(ys[ys.length / 2] - ys[0]).isGreaterThan(120);
        assertThat(html.length()).isLessThan(100_000);
    }

    @Test
    void aValueTheEngineCouldNotMeasureOrAnInfiniteOneBreaksTheLine() {
        ReplayOutput out = output(List.of(), List.of(
                signal("latency_p95_ms", "T", "READ", "2025-10-06T10:01:00Z", 100),
                signal("latency_p95_ms", "T", "READ", "2025-10-06T10:02:00Z", Double.NaN),
                signal("latency_p95_ms", "T", "READ", "2025-10-06T10:03:00Z", 120),
                signal("latency_p95_ms", "T", "READ", "2025-10-06T10:04:00Z", 130),
                signal("latency_p95_ms", "T", "READ", "2025-10-06T10:05:00Z", Double.POSITIVE_INFINITY),
                signal("latency_p95_ms", "T", "READ", "2025-10-06T10:06:00Z", 140),
                signal("latency_p95_ms", "T", "READ", "2025-10-06T10:07:00Z", 150)));
        String chart = figure(ReportWriter.render(out, rules, "t"), "T", P95_READ);
        assertThat(count(chart, "<circle class=\"dot\"")).isEqualTo(1);
        assertThat(count(chart, "<polyline class=\"series\"")).isEqualTo(2);
        assertThat(ReportFixtures.polylinePoints(chart)).hasSize(4);
        assertThat(chart).doesNotContain("NaN").doesNotContain("Infinity");
    }

    @Test
    void aTenantWithActionsButNoSignalsGetsItsEventsStripAndTable() {
        ReplayOutput out = output(List.of(action("2025-10-06T10:00:00Z", "purpose-missing", "T9", "T9", "ABORT_OP", "denied")), List.of());
        String html = ReportWriter.render(out, rules, "t");
        assertThat(markerTitles(figure(html, "T9", "Events"))).containsExactly("ABORT_OP · purpose-missing · T9 · firedAt 2025-10-06T10:00:00Z");
        assertThat(section(html, "T9")).contains("<table class=\"actions\">", "<h3>Actions (1)</h3>");
    }

    @Test
    void anEmptyReplayStillRendersAPage() {
        String html = ReportWriter.render(new ReplayOutput(List.of(), List.of(), List.of(), 0), rules, "empty");
        assertThat(html).startsWith("<!DOCTYPE html>").endsWith("</html>\n")
                .contains("No signals and no actions: nothing to chart.", "No input line was rejected.").doesNotContain("<svg");
    }

    @Test
    void writesTheSamePageAsAUtf8File(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("out").resolve("report.html");
        ReportWriter.write(incident, rules, file, "Incident 2025-10-06 <Wave A> & \"pilot\"");
        assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo(page);
        assertThat(page).contains("<meta charset=\"utf-8\">");
    }
}
