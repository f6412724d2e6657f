package io.tripwire.cli.gate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.tripwire.cli.gate.GateCommandTest.gate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code tripwire gate --autonomy} on Wave A's pilots (test-data/README.md): TENANT_001 simulates
 * cleanly 09:00-10:00, is approved at 09:55, enacts and is throttled; TENANT_002 only simulates, too
 * little to tell; TENANT_004 has no pilot. The verdict: FAIL if a check FAILs, PASS if every check
 * with ops PASSes, INCONCLUSIVE otherwise; exit codes 1, 0, 3, and 2 for a bad command line.
 */
class AutonomyGateCommandTest {

    private static final String WAVE_A = Path.of("..", "test-data", "wave-a.jsonl").toString();
    private static final String STORY_RULES = Path.of("..", "test-data", "story-rules.yaml").toString();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static GateCommandTest.Run autonomy(String... args) {
        List<String> all = new ArrayList<>(List.of("--autonomy", "--rules", STORY_RULES));
        all.addAll(List.of(args));
        return gate(all.toArray(String[]::new));
    }

    private static JsonNode json(GateCommandTest.Run r) throws Exception {
        return JSON.readTree(r.out());
    }

    private static List<String> verdicts(JsonNode j) {
        List<String> out = new ArrayList<>();
        j.get("checks").forEach(c -> out.add(c.get("check").asText() + "=" + c.get("verdict").asText()));
        return out;
    }

    @Test
    void tenant001OverTheMorningFailsOnAutonomyAndCompensationWithTheSimulationPassed() throws Exception {
        GateCommandTest.Run r = autonomy("--tenant", "TENANT_001", "--window", "2h", "--at", "2025-10-06T11:00:00Z", "--input", WAVE_A, "--json");

        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
        JsonNode j = json(r);
        assertThat(j.get("verdict").asText()).isEqualTo("FAIL");
        assertThat(j.get("from").asText()).isEqualTo("2025-10-06T09:00:00Z");
        assertThat(verdicts(j)).containsExactly("simulation delta=PASS", "autonomy rate=FAIL", "compensation rate=FAIL");
        JsonNode sim = j.get("checks").get(0).get("figures");
        assertThat(sim.get("k").asLong()).isZero();
        assertThat(sim.get("decided").asLong()).isEqualTo(1349);
        assertThat(sim.get("eBelow").asDouble()).isGreaterThan(sim.get("level").asDouble());
        JsonNode rate = j.get("checks").get(1).get("figures");
        assertThat(rate.get("k").asLong()).isEqualTo(211);
        assertThat(rate.get("decided").asLong()).isEqualTo(214);
        assertThat(rate.get("eBelow").asDouble()).isCloseTo(48.4, within(0.05)); // the engine's own autonomy-rate reason at 211 / 214
        assertThat(rate.get("tripwire").asText()).isEqualTo("autonomy-rate");
        assertThat(rate.get("priorStrength").asDouble()).isEqualTo(100);
        assertThat(j.get("checks").get(2).get("figures").get("k").asLong()).isEqualTo(6);
        assertThat(j.get("hitl").get("overrides").asLong()).isEqualTo(3);
        // the 09:30 approval refused, the 09:55 one honoured until the throttle
        assertThat(j.get("refusals")).singleElement().satisfies(x -> {
            assertThat(x.get("token").asText()).isEqualTo("CHG-PILOT-0");
            assertThat(x.get("reason").asText()).isEqualTo("override-simulation-not-passed");
        });
        assertThat(j.get("approvals")).singleElement().satisfies(a -> {
            assertThat(a.get("token").asText()).isEqualTo("CHG-PILOT-1");
            assertThat(a.get("approver").asText()).isEqualTo("pilot-lead@example.org");
            assertThat(a.get("keyId").asText()).isEqualTo("pilot-2025");
            assertThat(a.get("at").asText()).isEqualTo("2025-10-06T09:55:01Z");
            assertThat(a.get("inForce").asBoolean()).isFalse();
            assertThat(a.get("endedBy").asText()).isEqualTo("autonomy-compensation THROTTLE_AUTONOMY");
        });
        assertThat(j.get("loopTripwiresFired").get("autonomy-compensation THROTTLE_AUTONOMY").asLong()).isEqualTo(1);
        assertThat(j.get("loopTripwiresFired").has("unapproved-enact THROTTLE_AUTONOMY")).isFalse();

        // the table says the same, each row with its figure and rule
        GateCommandTest.Run table = autonomy("--tenant", "TENANT_001", "--window", "2h", "--at", "2025-10-06T11:00:00Z", "--input", WAVE_A);
        assertThat(table.exit()).isEqualTo(1);
        assertThat(table.out()).contains("gate --autonomy TENANT_001 over 2025-10-06T09:00:00Z .. 2025-10-06T11:00:00Z: FAIL")
                .containsPattern("PASS\\s+simulation delta\\s+0 of 1,349 decided SIMULATE ops compensated \\(0%\\); e\\(below\\) ")
                .containsPattern("FAIL\\s+autonomy rate\\s+211 of 214 decided ENACT ops autonomous \\(98.6%\\); e\\(below\\) 48.4")
                .containsPattern("FAIL\\s+compensation rate\\s+6 of 214 decided ENACT ops compensated")
                .contains("rule: simulation delta < 0.5%: PASS when COMPENSATED / decided SIMULATE ops",
                        "rule: autonomy rate >= 99.9%", "hitl overrides: 3 of 214 decided ENACT ops",
                        "approval CHG-PILOT-1 by pilot-lead@example.org (key pilot-2025) at 2025-10-06T09:55:01Z: ended 2025-10-06T10:35:05Z "
                                + "by autonomy-compensation THROTTLE_AUTONOMY",
                        "refused CHG-PILOT-0 by pilot-lead@example.org at 2025-10-06T09:30:01Z: ", "override-simulation-not-passed");
    }

    @Test
    void askedOnlyAboutTheSimulationTenant001Passes() throws Exception {
        GateCommandTest.Run r = autonomy("--tenant", "TENANT_001", "--window", "2h", "--at", "2025-10-06T11:00:00Z", "--input", WAVE_A,
                "--check", "simulation", "--json");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        JsonNode j = json(r);
        assertThat(j.get("checked")).extracting(JsonNode::asText).containsExactly("simulation");
        assertThat(verdicts(j)).containsExactly("simulation delta=PASS");
        // and asked about enacting only, it fails
        assertThat(autonomy("--tenant", "TENANT_001", "--window", "2h", "--at", "2025-10-06T11:00:00Z", "--input", WAVE_A,
                "--check", "enact").exit()).isEqualTo(1);
    }

    @Test
    void theSimulationHourPassesWithTheEnactChecksNotApplicable() throws Exception {
        GateCommandTest.Run r = autonomy("--tenant", "TENANT_001", "--window", "1h", "--at", "2025-10-06T10:00:00Z", "--input", WAVE_A, "--json");

        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        JsonNode j = json(r);
        assertThat(verdicts(j)).containsExactly("simulation delta=PASS", "autonomy rate=NA", "compensation rate=NA");
        assertThat(j.get("checks").get(1).get("figure").asText()).isEqualTo("no decided ENACT ops in the window");
        assertThat(j.get("checks").get(1).get("figures").get("eBelow").isNull()).isTrue();
        assertThat(j.get("approvals")).singleElement().satisfies(a -> assertThat(a.get("inForce").asBoolean()).isTrue());
        assertThat(j.get("loopTripwiresFired").size()).isZero();
        assertThat(autonomy("--tenant", "TENANT_001", "--window", "1h", "--at", "2025-10-06T10:00:00Z", "--input", WAVE_A).out())
                .containsPattern("n/a\\s+autonomy rate\\s+no decided ENACT ops in the window");
    }

    @Test
    void aWindowAfterTheApprovalSeesItInForceAsTheEngineDid() throws Exception {
        // 10:00-10:30: the approval (09:55) is before the window; replayed from the rules' lookback earlier (48h: the error budget's
        // 24h window and its 24h freeze, more than the autonomy tripwires' 24h) it is honoured as it was live, so the pilot's ENACT
        // ops fire no unapproved-enact (a replay of the window alone would have fired it at 10:00)
        GateCommandTest.Run r = autonomy("--tenant", "TENANT_001", "--window", "30m", "--at", "2025-10-06T10:30:00Z", "--input", WAVE_A, "--json");

        JsonNode j = json(r);
        assertThat(j.get("replayedFrom").asText()).isEqualTo("2025-10-04T10:00:00Z");
        assertThat(j.get("carriedIn").get("lookback").asText()).isEqualTo("48h");
        assertThat(j.get("approvals")).singleElement().satisfies(a -> {
            assertThat(a.get("token").asText()).isEqualTo("CHG-PILOT-1");
            assertThat(a.get("inForce").asBoolean()).isTrue();
        });
        assertThat(j.get("loopTripwiresFired").size()).as(r.out()).isZero();
        assertThat(verdicts(j)).containsExactly("simulation delta=NA", "autonomy rate=INCONCLUSIVE", "compensation rate=INCONCLUSIVE");
        assertThat(r.exit()).isEqualTo(3);
    }

    @Test
    void tenant002HasTooFewProposalsAndIsInconclusive() throws Exception {
        GateCommandTest.Run r = autonomy("--tenant", "TENANT_002", "--input", WAVE_A, "--json");

        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(3);
        JsonNode j = json(r);
        assertThat(j.get("verdict").asText()).isEqualTo("INCONCLUSIVE");
        // the default window is the autonomy rules' (24h), ending at the last event + 1 ms
        assertThat(Instant.parse(j.get("to").asText())).isEqualTo(Instant.parse(j.get("from").asText()).plusSeconds(24 * 3600));
        assertThat(verdicts(j)).containsExactly("simulation delta=INCONCLUSIVE", "autonomy rate=NA", "compensation rate=NA");
        JsonNode sim = j.get("checks").get(0).get("figures");
        assertThat(sim.get("decided").asLong()).isEqualTo(360);
        assertThat(sim.get("eBelow").asDouble()).isLessThan(20);
        assertThat(autonomy("--tenant", "TENANT_002", "--input", WAVE_A, "--check", "simulation").exit()).isEqualTo(3);
    }

    @Test
    void aDriftingSimulationFails(@TempDir Path dir) throws Exception {
        // 1,000 proposals in an hour, 30 of which production did otherwise: 3%, significantly above 0.5%
        List<String> lines = new ArrayList<>();
        Instant t0 = Instant.parse("2025-10-06T09:00:00Z");
        for (int i = 0; i < 1000; i++) {
            lines.add("{\"type\":\"autonomy\",\"ts\":\"" + t0.plusMillis(3600L * i) + "\",\"tenant\":\"PILOT\",\"opId\":\"op-" + i
                    + "\",\"mode\":\"SIMULATE\",\"outcome\":\"AUTONOMOUS\"}");
            if (i % 33 == 5 && i < 1000 - 1) {
                lines.add("{\"type\":\"autonomy\",\"ts\":\"" + t0.plusMillis(3600L * i + 1000) + "\",\"tenant\":\"PILOT\",\"opId\":\"op-" + i
                        + "\",\"mode\":\"SIMULATE\",\"outcome\":\"COMPENSATED\"}");
            }
        }
        Path file = Files.write(dir.resolve("drift.jsonl"), lines);

        GateCommandTest.Run r = autonomy("--tenant", "PILOT", "--input", file.toString(), "--check", "simulation");

        assertThat(r.err()).doesNotContain("Exception");
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.out()).containsPattern("FAIL\\s+simulation delta\\s+31 of 1,000 decided SIMULATE ops compensated \\(3.1%\\); e\\(below\\) 0.0135, e\\(above\\) 1.80e12")
                .contains("loop tripwires fired: simulation-delta ALERT ×1, simulation-delta BLOCK_ENACT ×1");
        // nothing was enacted: the enact checks alone are n/a, which decides nothing
        assertThat(autonomy("--tenant", "PILOT", "--input", file.toString(), "--check", "enact").exit()).isEqualTo(3);
    }

    @Test
    void aTenantWithNoPilotIsInconclusiveWithEveryCheckNotApplicable() throws Exception {
        GateCommandTest.Run r = autonomy("--tenant", "TENANT_004", "--input", WAVE_A, "--json");

        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(3);
        assertThat(verdicts(json(r))).containsExactly("simulation delta=NA", "autonomy rate=NA", "compensation rate=NA");
    }

    @Test
    void theJsonKeepsItsFieldOrderAndTheSameEventsGiveTheSameResult() {
        GateCommandTest.Run a = autonomy("--tenant", "TENANT_001", "--input", WAVE_A, "--json");
        GateCommandTest.Run b = autonomy("--tenant", "TENANT_001", "--input", WAVE_A, "--json");
        assertThat(a.out()).isEqualTo(b.out());
        assertThat(a.out()).containsPattern("\\{\\s*\"tenant\" : \"TENANT_001\",\\s*\"from\" : [^,]+,\\s*\"to\" : [^,]+,\\s*\"replayedFrom\" : [^,]+,"
                        + "\\s*\"checked\" : \\[[^]]*],\\s*\"verdict\" : \"\\w+\",\\s*\"exitCode\" : \\d,\\s*\"checks\"")
                .containsPattern("\\{\\s*\"check\" : \"simulation delta\",\\s*\"verdict\" : \"\\w+\",\\s*\"figure\" : \"[^\"]*\",\\s*\"rule\"")
                .containsPattern("\"checks\" : \\[[\\s\\S]*\"hitl\" : \\{[\\s\\S]*\"approvals\" : \\[[\\s\\S]*\"refusals\" : \\[[\\s\\S]*\"loopTripwiresFired\"");
    }

    @Test
    void aBadCommandLineIsExitTwoWithOneLineSayingWhatIsWrong() {
        GateCommandTest.Run bogus = autonomy("--tenant", "T", "--input", WAVE_A, "--check", "simulation,bogus");
        assertThat(bogus.exit()).isEqualTo(2);
        assertThat(bogus.err()).contains("--check: 'bogus' is not a check; use simulation, autonomy, compensation, enact");
        GateCommandTest.Run noAutonomy = gate("--tenant", "T", "--input", WAVE_A, "--check", "simulation");
        assertThat(noAutonomy.exit()).isEqualTo(2);
        assertThat(noAutonomy.err()).contains("--check goes with --autonomy");
        assertThat(autonomy("--tenant", "T", "--input", WAVE_A, "--canary").err()).contains("give --canary or --autonomy, not both");
        GateCommandTest.Run slo = autonomy("--tenant", "T", "--input", WAVE_A, "--slo", "0.99");
        assertThat(slo.exit()).isEqualTo(2);
        assertThat(slo.err()).contains("--autonomy takes its thresholds and guard from the rules");
    }
}
