package io.tripwire.engine.report;

import io.tripwire.engine.Actions;
import io.tripwire.engine.Engines;
import io.tripwire.engine.replay.ReplayOutput;
import io.tripwire.engine.rules.Rules;
import io.tripwire.schemas.TripwireAction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.tripwire.engine.Events.at;
import static io.tripwire.engine.report.ReportFixtures.action;
import static io.tripwire.engine.report.ReportFixtures.all;
import static io.tripwire.engine.report.ReportFixtures.count;
import static io.tripwire.engine.report.ReportFixtures.figure;
import static io.tripwire.engine.report.ReportFixtures.markerTitles;
import static io.tripwire.engine.report.ReportFixtures.output;
import static io.tripwire.engine.report.ReportFixtures.signal;
import static io.tripwire.engine.report.ReportFixtures.tenantSections;
import static io.tripwire.engine.report.ReportFixtures.thresholdLabels;
import static io.tripwire.engine.report.ReportFixtures.thresholdYs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The canary judgement in report.html (SPEC 3 "Canary judgement"): per canary key a chart of its
 * e_worse on a log axis against its tripwire's level, its actions marked and the tenant's stages
 * drawn; rendered from {@link ReportScenario#canary}: a slow 10% canary from 10:00 (canary-latency
 * fires), then the fixed version at 25% from 10:30 (the key resolves, starts afresh and passes).
 */
class CanaryReportTest {

    private static final String T = "TENANT_004";
    private static final String LATENCY = "canary vs baseline: slow requests (e_worse, per stage) · READ";
    private static final String ERRORS = "canary vs baseline: 5xx (e_worse, per stage) · api";

    private static Rules rules;
    private static ReplayOutput out;
    private static String page;

    @BeforeAll
    static void replayTheCanary() {
        rules = Engines.rules();
        out = ReportScenario.canary();
        page = ReportWriter.render(out, rules, "canary <rollout> & \"fix\"");
    }

    @Test
    void drawsAChartPerCanaryKeyOnALogAxisWithItsTripwiresLevel() {
        // the latency key's e-value runs from 0.0002 past 1e300: its axis is cut at 10⁻² and 10⁶; the errors key's stays near 1
        assertThat(valueTicks(figure(page, T, LATENCY))).containsExactly("10⁻²", "10⁰", "10²", "10⁴", "10⁶");
        assertThat(valueTicks(figure(page, T, ERRORS))).containsExactly("10⁻¹", "10⁰", "10¹", "10²");
        assertThat(thresholdLabels(figure(page, T, LATENCY))).containsExactly("canary-latency e ≥ 100");
        assertThat(thresholdLabels(figure(page, T, ERRORS))).containsExactly("canary-errors e ≥ 100");
        for (String caption : List.of(LATENCY, ERRORS)) {
            String chart = figure(page, T, caption);
            assertThat(chart).contains("<code>canary_e_worse</code>", ">e-value (log)</text>");
            // a log axis: ticks a whole number of decades apart are evenly spaced, and the level of 100 is on the tick of 10²
            List<Double> ys = all(chart, "<text class=\"tick\" x=\"[0-9.]+\" y=\"([0-9.]+)\" text-anchor=\"end\">").stream()
                    .map(y -> Double.parseDouble(y) - 4).toList(); // a label sits 4 px below its tick
            for (int i = 2; i < ys.size(); i++) {
                assertThat(ys.get(i - 1) - ys.get(i)).isCloseTo(ys.get(0) - ys.get(1), within(0.2));
            }
            assertThat(thresholdYs(chart)).singleElement()
                    .satisfies(y -> assertThat(y).isCloseTo(ys.get(valueTicks(chart).indexOf("10²")), within(0.2)));
        }
    }

    @Test
    void aHugeEValueIsDrawnOnTheTopEdgeNotLeftOut() {
        // e past the largest double is written capped at 1e300 (JSON has no Infinity), and drawn on the frame
        assertThat(out.signals()).anyMatch(s -> s.contains("\"scope\":\"READ\"") && s.contains("\"value\":1.0E300"));
        assertThat(out.signals()).noneMatch(s -> s.contains("Infinity"));
        String chart = figure(page, T, LATENCY);
        // the line breaks only where a stage ends (the next starts afresh at 1), not where e overflowed
        assertThat(count(chart, "<polyline class=\"series\"")).isEqualTo(2);
        assertThat(count(chart, "<circle class=\"dot\"")).isZero();
        assertThat(chart).contains("<span class=\"note\">(values beyond 10⁻² … 10⁶ are drawn on the frame)</span>");
        // the plot's top is the highest value tick (10⁶, its label 4 px below it): the line runs along it while e is past it
        double frame = Double.parseDouble(all(chart, "<text class=\"tick\" x=\"[0-9.]+\" y=\"([0-9.]+)\" text-anchor=\"end\">10⁶")
                .get(0)) - 4;
        List<double[]> line = ReportFixtures.polylinePoints(chart);
        assertThat(line.stream().mapToDouble(p -> p[1]).min().orElseThrow()).isCloseTo(frame, within(0.05));
        assertThat(line.stream().filter(p -> Math.abs(p[1] - frame) < 0.05).count()).isGreaterThan(20); // 10:03 to 10:29
    }

    @Test
    void marksTheKeysFiringItsResolvedAtTheNextStageAndItsPassOnItsChart() {
        List<TripwireAction> latency = Actions.of(out, "canary-latency");
        assertThat(latency).extracting(a -> a.getAction().toString())
                .containsExactly("ROLLBACK_LAST_STEP", "ALERT", "RESOLVED", "CANARY_PASSED");
        assertThat(latency.get(2).getFiredAt()).isEqualTo(at("2025-10-06T10:30:00Z"));
        String chart = figure(page, T, LATENCY);
        assertThat(markerTitles(chart)).containsExactlyElementsOf(latency.stream()
                .map(a -> a.getAction() + " · canary-latency · READ · firedAt " + a.getFiredAt()).toList());
        assertThat(chart).contains("<g class=\"marker sev-corrective\"><title>ROLLBACK_LAST_STEP · canary-latency",
                "<g class=\"marker sev-alert\"><title>ALERT · canary-latency",
                "<g class=\"marker sev-resolved\"><title>RESOLVED · canary-latency",
                "<g class=\"marker sev-resolved\"><title>CANARY_PASSED · canary-latency");
        assertThat(markerTitles(figure(page, T, ERRORS))).allMatch(t -> t.contains(" · canary-errors · api · "));
    }

    @Test
    void marksEveryActionExactlyOnceAcrossThePage() {
        String tenants = tenantSections(page);
        assertThat(count(tenants, "<g class=\"marker ")).isEqualTo(out.actions().size());
        for (TripwireAction a : out.actions()) {
            String title = "<title>" + a.getAction() + " · " + a.getTripwire() + " · " + Html.esc(a.getScope()) + " · firedAt "
                    + a.getFiredAt() + "\n";
            assertThat(count(tenants, title)).as(title).isEqualTo(1);
        }
    }

    @Test
    void drawsTheTenantsStagesOnEveryCanaryChartLabelledWithTheirStep() {
        for (String caption : List.of(LATENCY, ERRORS)) {
            String chart = figure(page, T, caption);
            assertThat(all(chart, "<g class=\"stage\"><title>([^<]*)</title>")).containsExactly(
                    "stage from 2025-10-06 10:00:00 UTC, rollout step to 10%",
                    "stage from 2025-10-06 10:30:00 UTC, rollout step to 25%");
            assertThat(all(chart, "<g class=\"stage\">.*?<text [^>]*>([^<]*)</text>")).containsExactly("stage 10%", "stage 25%");
        }
        // the second stage's line is where the key resolved: the time of the rollout step
        String chart = figure(page, T, LATENCY);
        String stageX = all(chart, "<g class=\"stage\"><title>[^<]*10:30:00 UTC[^<]*</title><line x1=\"([0-9.]+)\"").get(0);
        String resolvedX = all(chart, "<g class=\"marker sev-resolved\"><title>RESOLVED[^<]*</title><line x1=\"([0-9.]+)\"").get(0);
        assertThat(stageX).isEqualTo(resolvedX);
        assertThat(page).contains("svg.chart .stage line{", "<i class=\"swatch stage\"></i>canary stage boundary (rollout step)");
    }

    @Test
    void aSeriesThatRestartsAtOneMarksAStageNoRecordNames() {
        // no canary record at all: the e-value moved, then fell back to exactly 1 at 10:06, a new stage's first bucket
        List<String> signals = new ArrayList<>();
        double[] e = {1, 2.5, 7, 1, 1.4};
        for (int i = 0; i < e.length; i++) {
            signals.add(signal("canary_e_worse", "T", "api", "2025-10-06T10:0" + (i + 3) + ":00Z", e[i]));
        }
        String chart = figure(ReportWriter.render(output(List.of(), signals), rules, "t"), "T", "canary vs baseline: 5xx");
        assertThat(all(chart, "<g class=\"stage\"><title>([^<]*)</title>")).containsExactly(
                "a new stage began between 2025-10-06 10:04:00 UTC and 2025-10-06 10:06:00 UTC: the canary e-values restarted at 1 "
                        + "(no canary record names its start)");
        assertThat(chart).contains(">stage (≈)</text>").doesNotContain("are drawn on the frame");
        assertThat(count(chart, "<polyline class=\"series\"")).isEqualTo(2); // one per stage
        // a small range: the axis is cut to the data, the level and 1
        assertThat(valueTicks(chart)).containsExactly("10⁰", "10¹", "10²");
    }

    @Test
    void aStageNamedByARecordIsNotDrawnAgainFromTheRestart() {
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("stageStart", "2025-10-06T10:05:20Z");
        evidence.put("stepPercent", null); // a stage begun by a request: no step
        TripwireAction passed = TripwireAction.newBuilder(action("2025-10-06T10:09:00Z", "canary-errors", "T", "api", "CANARY_PASSED", "ok"))
                .setEvidence(evidence).build();
        List<String> signals = new ArrayList<>();
        double[] e = {1, 2.5, 7, 1, 0.4, 0.2, 0.1};
        for (int i = 0; i < e.length; i++) {
            signals.add(signal("canary_e_worse", "T", "api", "2025-10-06T10:0" + (i + 3) + ":00Z", e[i]));
        }
        String chart = figure(ReportWriter.render(output(List.of(passed), signals), rules, "t"), "T", "canary vs baseline: 5xx");
        assertThat(all(chart, "<g class=\"stage\"><title>([^<]*)</title>")).containsExactly("stage from 2025-10-06 10:05:20 UTC");
        assertThat(chart).contains(">stage</text>");
        assertThat(markerTitles(chart)).containsExactly("CANARY_PASSED · canary-errors · api · firedAt 2025-10-06T10:09:00Z");
    }

    @Test
    void escapesTheScopeOfACanaryKey() {
        String html = ReportWriter.render(output(List.of(), List.of(
                signal("canary_e_worse", "T", "<img src=x>&", "2025-10-06T10:01:00Z", 1),
                signal("canary_e_worse", "T", "<img src=x>&", "2025-10-06T10:02:00Z", 3))), rules, "t");
        assertThat(html).doesNotContain("<img").contains("canary vs baseline: 5xx (e_worse, per stage) · &lt;img src=x&gt;&amp;");
    }

    @Test
    void aPageWithoutCanarySignalsHasNoneOfTheCanaryStyles() {
        String incident = ReportWriter.render(ReportScenario.incident(), rules, "t");
        assertThat(incident).doesNotContain(".stage", "swatch stage", "canary_e_worse");
    }

    /** The value axis's labels, bottom to top (the time axis's are centred, these right-aligned). */
    private static List<String> valueTicks(String chart) {
        return all(chart, "<text class=\"tick\" [^>]*text-anchor=\"end\">([^<]*)</text>");
    }
}
