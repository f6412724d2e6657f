package io.tripwire.engine.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tripwire.engine.Engines;
import io.tripwire.engine.pilot.PilotReview;
import io.tripwire.engine.replay.FileReplay;
import io.tripwire.engine.replay.ReplayOutput;
import io.tripwire.signing.ActionSigner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static io.tripwire.engine.report.ReportFixtures.all;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The autonomy pilot's review as the evidence bundle's decision memo (kpis.md) and pilot.json show it,
 * over test-data/wave-a.jsonl under the story rules: the same figures and wording as the report's
 * section, in Markdown, and as data with the field names of {@code gate --autonomy --json}.
 */
class PilotSectionTest {

    private static final Instant FROM = Instant.parse("2025-10-06T09:00:00Z");
    private static final Instant TO = Instant.parse("2025-10-06T11:00:00Z");

    private static ReplayOutput out;
    private static List<PilotReview> reviews;

    @BeforeAll
    static void replayWaveA() throws Exception {
        out = FileReplay.read(Path.of("..", "test-data", "wave-a.jsonl"), (p, d, t) -> { })
                .replay(Engines.rules(), new ActionSigner(Engines.KEYS.getPrivate()), (p, d, t) -> { });
        reviews = PilotReview.ofTenants(FROM, TO, out.pilotEvents(), out.actions(), Engines.rules());
    }

    /** The memo's part for one tenant: from its heading to the next tenant's (or the end). */
    private static String tenant(String memo, String tenant) {
        int from = memo.indexOf("### " + tenant + "\n");
        assertThat(from).as("a review of " + tenant).isNotNegative();
        int next = memo.indexOf("\n### ", from + 1);
        return memo.substring(from, next < 0 ? memo.length() : next);
    }

    @Test
    void theMemoHasAReviewPerTenantWithAutonomyDecisionsInTenantOrder() {
        String memo = PilotSection.markdown(reviews, out.actions());

        assertThat(memo).startsWith("\n## Autonomy pilot review\n\n### TENANT_001\n\nOver the events from 2025-10-06 09:00:00 UTC to "
                + "2025-10-06 11:00:00 UTC.");
        assertThat(all(memo, "(?m)^### (.+)$")).containsExactly("TENANT_001", "TENANT_002", "TENANT_003");
        assertThat(PilotSection.markdown(List.of(), out.actions())).isEmpty();
    }

    @Test
    void tenant001sMemoCarriesTheChecksTheApprovalsAndTheLoopsFirings() {
        String t1 = tenant(PilotSection.markdown(reviews, out.actions()), "TENANT_001");

        assertThat(t1).contains(
                "| simulation delta | SIMULATE | 0 of 1,349 simulated ops differed from production (0.00%) | simulation-delta: "
                        + "significantly under 0.50% (e ≥ 20), on at least 100 decided ops | **PASS** |",
                "| autonomy rate | ENACT | 211 of 214 enacted ops autonomous (98.60%) | autonomy-rate: significantly over 99.90% "
                        + "(e ≥ 20), on at least 100 decided ops | **FAIL** | e = 48.4 that the true share is under 99.90% (a verdict needs 20) |",
                "| compensation rate | ENACT | 6 of 214 enacted ops compensated (2.80%) |",
                "| HITL overrides | ENACT | 3 of 214 enacted ops a human stepped into (1.40%) | counted, not judged |  | HITL_OVERRIDE decisions |",
                "| 2025-10-06 09:30:01 UTC | CHG-PILOT-0 | pilot-lead@example.org | (pilot-2025) | refused: override of simulation-delta by "
                        + "pilot-lead@example.org (token CHG-PILOT-0) refused, override-simulation-not-passed: simulation delta 0 "
                        + "(0 / 600 over 24h) is not yet significantly below 0.005: e = 11.1 < 20 at 95% confidence |",
                "| 2025-10-06 09:55:01 UTC | CHG-PILOT-1 | pilot-lead@example.org | pilot-lead@example.org (pilot-2025) | honoured; "
                        + "ended at 2025-10-06 10:35:05 UTC by autonomy-compensation THROTTLE_AUTONOMY |",
                "| autonomy-compensation | THROTTLE_AUTONOMY | 1 | 2025-10-06 10:35:05 UTC |",
                "| autonomy-rate | ALERT | 1 | 2025-10-06 10:38:05 UTC |");
    }

    @Test
    void tenant002And003sMemosSayWhatTheyLack() {
        String memo = PilotSection.markdown(reviews, out.actions());

        assertThat(tenant(memo, "TENANT_002")).contains("| **INCONCLUSIVE** | e = 4.01 that the true share is under 0.50%",
                "None sent in the window.\n", "None of the loop's tripwires (simulation-delta, unapproved-enact, autonomy-compensation, "
                        + "autonomy-rate) fired.");
        assertThat(tenant(memo, "TENANT_003")).contains("None sent in the window: the pilot enacted without one in it.",
                "fewer than 100 decided ops: too few to decide", "| unapproved-enact | THROTTLE_AUTONOMY | 1 | 2025-10-06 10:45:00 UTC |",
                "| unapproved-enact | AUDIT_EVENT | 1 |");
    }

    @Test
    void pilotJsonHasTheGatesFieldNamesAndEveryFigure() throws Exception {
        JsonNode json = new ObjectMapper().valueToTree(PilotSection.json(reviews, out.actions()));

        assertThat(json).hasSize(3);
        JsonNode t1 = json.get(0);
        assertThat(t1.get("tenant").asText()).isEqualTo("TENANT_001");
        assertThat(t1.get("from").asText()).isEqualTo("2025-10-06T09:00:00Z");
        JsonNode rate = t1.get("checks").get(1);
        assertThat(rate.get("check").asText()).isEqualTo("autonomy rate");
        assertThat(rate.get("verdict").asText()).isEqualTo("FAIL");
        assertThat(rate.get("tripwire").asText()).isEqualTo("autonomy-rate");
        assertThat(rate.get("k").asLong()).isEqualTo(211);
        assertThat(rate.get("decided").asLong()).isEqualTo(214);
        assertThat(rate.get("goodSide").asText()).isEqualTo("above");
        assertThat(rate.get("eBelow").asDouble()).isBetween(48.35, 48.45);
        assertThat(rate.get("minEvents").asInt()).isEqualTo(100);
        assertThat(t1.get("hitl").get("overrides").asLong()).isEqualTo(3);
        assertThat(t1.get("hitl").get("decidedEnactOps").asLong()).isEqualTo(214);
        JsonNode honoured = t1.get("approvals").get(0);
        assertThat(honoured.get("token").asText()).isEqualTo("CHG-PILOT-1");
        assertThat(honoured.get("endedAt").asText()).isEqualTo("2025-10-06T10:35:05Z");
        assertThat(honoured.get("endedBy").asText()).isEqualTo("autonomy-compensation THROTTLE_AUTONOMY");
        assertThat(honoured.get("inForce").asBoolean()).isFalse();
        assertThat(t1.get("refusals").get(0).get("reason").asText()).isEqualTo("override-simulation-not-passed");
        assertThat(t1.get("loopFirings").findValuesAsText("action")).containsExactly("THROTTLE_AUTONOMY", "ENTER_SIMULATE", "ALERT");
        // n/a: no e-value at all, rather than NaN (which JSON cannot carry)
        JsonNode t2rate = json.get(1).get("checks").get(1);
        assertThat(t2rate.get("verdict").asText()).isEqualTo("NA");
        assertThat(t2rate.get("eBelow").isNull()).isTrue();
        assertThat(t2rate.get("share").isNull()).isTrue();
    }

    @Test
    void theVerdictsFitOnOneLine() {
        assertThat(PilotSection.verdicts(reviews)).isEqualTo("TENANT_001 simulation delta PASS, autonomy rate FAIL, compensation rate FAIL; "
                + "TENANT_002 simulation delta INCONCLUSIVE, autonomy rate n/a, compensation rate n/a; "
                + "TENANT_003 simulation delta n/a, autonomy rate INCONCLUSIVE, compensation rate INCONCLUSIVE");
    }

    @Test
    void markdownCellsCannotBreakTheTableOrOpenATag() {
        assertThat(PilotSection.md("a|b\nc")).isEqualTo("a\\|b c");
        assertThat(PilotSection.md("<img src=x onerror=alert(1)> </b> <!-- x")).isEqualTo("\\<img src=x onerror=alert(1)> \\</b> \\<!-- x");
        // a comparison stays as it is written
        assertThat(PilotSection.md("e = 11.1 < 20")).isEqualTo("e = 11.1 < 20");
    }
}
