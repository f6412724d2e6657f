package io.tripwire.cli.gate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tripwire.cli.TripwireCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The packet's readiness check on the recorded Wave A hour: FAIL for the incident, PASS for the clean tenant, INCONCLUSIVE for too little traffic. */
class GateCommandTest {

    private static final String WAVE_A = Path.of("..", "test-data", "wave-a.jsonl").toString();
    private static final String STORY_RULES = Path.of("..", "test-data", "story-rules.yaml").toString();
    private static final String STORY_KEY = Path.of("..", "test-data", "story-keys", "private.pem").toString();

    record Run(int exit, String out, String err) {
    }

    static Run gate(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new TripwireCli());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        List<String> all = new ArrayList<>(List.of("gate"));
        all.addAll(List.of(args));
        int exit = cli.execute(all.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void failsTheTenantWithTheIncidentNamingEveryFailedCheck() {
        Run r = gate("--tenant", "TENANT_004", "--window", "14d", "--slo", "0.994", "--input", WAVE_A);
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.out()).contains("gate TENANT_004", ": FAIL")
                .containsPattern("FAIL\\s+availability\\s+9[0-9.]+% \\(")
                .containsPattern("FAIL\\s+read p95\\s+")
                .containsPattern("FAIL\\s+tripwires fired\\s+.*error-budget ×1 \\(first 2025-10-06T10:22:02.776Z\\)")
                .containsPattern("FAIL\\s+holds open at the end\\s+ramp frozen until 2025-10-07T10:22:02.776Z")
                .contains("rule: availability >= 99.4%");
    }

    @Test
    void aRampFreezeIsLiftedByASignedOverrideAndByNothingElse(@TempDir Path dir) throws Exception {
        // TENANT_004's freeze (10:22) and, after it, an error-budget override: signed by the story's approver, or written by anyone
        StringWriter signed = new StringWriter();
        assertThat(new CommandLine(new io.tripwire.cli.OverrideCommand()).setOut(new PrintWriter(signed)).execute("--tenant", "TENANT_004",
                "--tripwire", "error-budget", "--token", "CHG-4", "--by", "dpo@example.org", "--signing-key", STORY_KEY, "--key-id",
                "dpo-2025", "--rules", STORY_RULES, "--at", "2025-10-06T10:40:00Z", "--dry-run")).isZero();
        String unsigned = "{\"type\":\"override\",\"ts\":\"2025-10-06T10:40:00Z\",\"tenant\":\"TENANT_004\",\"tripwire\":\"error-budget\","
                + "\"approvalTokenId\":\"CHG-4\",\"by\":\"dpo@example.org\"}";
        for (String override : List.of(signed.toString().strip(), unsigned)) {
            List<String> lines = new ArrayList<>(Files.readAllLines(Path.of(WAVE_A)));
            lines.add(override);
            Path file = Files.write(dir.resolve(override == unsigned ? "unsigned.jsonl" : "signed.jsonl"), lines);
            Run r = gate("--tenant", "TENANT_004", "--window", "14d", "--slo", "0.994", "--input", file.toString(), "--rules", STORY_RULES);
            if (override == unsigned) {
                assertThat(r.out()).as(r.err()).containsPattern("FAIL\\s+holds open at the end\\s+ramp frozen until 2025-10-07T10:22:02.776Z");
            } else {
                assertThat(r.out()).as(r.err()).containsPattern("PASS\\s+holds open at the end\\s+none");
            }
        }
    }

    @Test
    void passesTheCleanTenantWithItsFigures() throws Exception {
        Run r = gate("--tenant", "TENANT_002", "--window", "14d", "--slo", "0.994", "--input", WAVE_A, "--json");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("verdict").asText()).isEqualTo("PASS");
        assertThat(j.get("to").asText()).isEqualTo("2025-10-06T10:59:58.894Z"); // the last event + 1 ms
        assertThat(j.get("checks")).extracting(c -> c.get("check").asText() + "=" + c.get("verdict").asText())
                .containsExactly("availability=PASS", "read p95=PASS", "write p95=PASS", "tripwires fired=PASS", "holds open at the end=PASS");
        assertThat(j.get("checks").get(0).get("figure").asText()).startsWith("99.9792% (1 bad of 4,800 requests");
        // the e-values behind the verdict (SPEC 3 "Significance"): 1 of 4,800 against 0.6% is 2.8e7 for "met"
        JsonNode figures = j.get("checks").get(0).get("figures");
        assertThat(figures.get("eMet").asDouble()).isCloseTo(2.80750597e7, org.assertj.core.api.Assertions.within(1e2));
        assertThat(figures.get("level").asDouble()).isCloseTo(20, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(figures.get("priorStrength").asDouble()).isEqualTo(1000);
        assertThat(figures.get("bad").asLong()).isEqualTo(1);
    }

    @Test
    void aTenantWithTooLittleTrafficIsInconclusiveNotPassedByLuck(@TempDir Path dir) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            lines.add(String.format("{\"type\":\"request\",\"ts\":\"2025-10-06T10:%02d:00Z\",\"tenant\":\"TENANT_006\",\"service\":\"api\","
                    + "\"op\":\"READ\",\"status\":200,\"latencyMs\":90}", i));
        }
        Path file = dir.resolve("new-tenant.jsonl");
        Files.write(file, lines);
        Run r = gate("--tenant", "TENANT_006", "--slo", "0.994", "--input", file.toString());
        // 0 errors in 50 requests: e for "the bad share is below 0.6%" is 1.09 (P(no error | 0.6%) = 0.74):
        // not evidence of 99.4%, and not of a miss either (e 0.90)
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(3);
        assertThat(r.out()).containsPattern("INCONCLUSIVE\\s+availability\\s+100% \\(0 bad of 50 requests; e\\(met\\) 1.09, e\\(missed\\) 0.901")
                .containsPattern("PASS\\s+write p95\\s+no WRITE requests in the window: nothing to check");
    }

    @Test
    void sameEventsSameVerdictAndABadCommandLineIsExitTwo() {
        Run a = gate("--tenant", "TENANT_001", "--input", WAVE_A, "--json");
        Run b = gate("--tenant", "TENANT_001", "--input", WAVE_A, "--json");
        assertThat(a.out()).isEqualTo(b.out());
        assertThat(a.exit()).isEqualTo(1); // the autonomy pilot's throttle and alert fired
        assertThat(gate("--tenant", "T").exit()).isEqualTo(2);
        assertThat(gate("--tenant", "T", "--input", "no-such.jsonl").exit()).isEqualTo(2);
        Run badConfig = gate("--tenant", "T", "--bootstrap-server", "127.0.0.1:1", "--command-config", "no-such.properties");
        assertThat(badConfig.exit()).isEqualTo(2);
        assertThat(badConfig.err()).contains("--command-config no-such.properties: file not found").doesNotContain("Exception");
    }

    @Test
    void theJsonKeepsItsFieldOrderForPipelines() {
        Run r = gate("--tenant", "TENANT_002", "--input", WAVE_A, "--json");
        assertThat(r.out()).containsPattern("\\{\\s*\"tenant\" : \"TENANT_002\",\\s*\"from\" : [^,]+,\\s*\"to\" : [^,]+,\\s*\"verdict\"")
                .containsPattern("\\{\\s*\"check\" : \"availability\",\\s*\"verdict\" : \"\\w+\",\\s*\"figure\" : \"[^\"]*\",\\s*\"rule\"");
    }
}
