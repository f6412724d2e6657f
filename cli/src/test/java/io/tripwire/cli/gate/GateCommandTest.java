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
import java.time.Instant;
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

    /** The minimum value and its time of one tenant's cache_hit_ratio samples in [from, to), read from the file itself. */
    private static String[] lowest(String tenant, String from, String to) throws Exception {
        double min = Double.POSITIVE_INFINITY;
        String at = null;
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(Path.of(WAVE_A))) {
            JsonNode e = json.readTree(line);
            String ts = e.get("ts").asText();
            if (e.get("type").asText().equals("metric") && e.get("name").asText().equals("cache_hit_ratio")
                    && e.get("tenant").asText().equals(tenant) && ts.compareTo(from) >= 0 && ts.compareTo(to) < 0 && e.get("value").asDouble() < min) {
                min = e.get("value").asDouble();
                at = ts;
            }
        }
        return new String[] {String.valueOf(min), at};
    }

    @Test
    void theWarmUpCheckFailsACacheThatDippedUnderTheFloorAndPassesOneThatStayedWarm() throws Exception {
        // TENANT_004's cold cache, 10:05-10:17 (test-data/README.md): the window's minimum is under 0.92
        Run cold = gate("--tenant", "TENANT_004", "--window", "14d", "--slo", "0.994", "--cache-hit", "0.92", "--input", WAVE_A, "--json");
        JsonNode check = checkNamed(cold, "cache hit");
        String[] low = lowest("TENANT_004", "2025-10-06T10:00:00Z", "2025-10-06T11:00:00Z");
        assertThat(check.get("verdict").asText()).isEqualTo("FAIL");
        assertThat(Double.parseDouble(low[0])).isLessThan(0.92);
        JsonNode series = check.get("figures").get("series").get(0);
        assertThat(series.get("series").asText()).isEqualTo("cache_hit_ratio{cache=\"api-read\"}");
        assertThat(series.get("min").asDouble()).isEqualTo(Double.parseDouble(low[0]));
        assertThat(Instant.parse(series.get("minAt").asText())).isEqualTo(Instant.parse(low[1]));
        assertThat(series.get("minByDay").get("2025-10-06").asDouble()).isEqualTo(Double.parseDouble(low[0]));
        assertThat(series.get("samples").asLong()).isEqualTo(120);

        // the same tenant from 10:20, when its cache had warmed: the check passes (the gate still fails on the incident)
        Run warm = gate("--tenant", "TENANT_004", "--at", "2025-10-06T11:00:00Z", "--window", "40m", "--slo", "0.994", "--cache-hit", "0.92",
                "--input", WAVE_A);
        String[] warmLow = lowest("TENANT_004", "2025-10-06T10:20:00Z", "2025-10-06T11:00:00Z");
        assertThat(Double.parseDouble(warmLow[0])).isGreaterThanOrEqualTo(0.92);
        assertThat(warm.out()).as(warm.err()).containsPattern("PASS\\s+cache hit\\s+cache_hit_ratio\\{cache=\"api-read\"\\} min "
                + java.util.regex.Pattern.quote(warmLow[0]) + " at " + java.util.regex.Pattern.quote(Instant.parse(warmLow[1]).toString())
                + " \\(80 samples; 0 of 1 days under 0.92\\)").contains("rule: every cache_hit_ratio sample >= 0.92");

        // a tenant that reports no cache hit ratio has not shown its cache is warm; without --cache-hit there is no such check
        Run none = gate("--tenant", "TENANT_003", "--slo", "0.994", "--cache-hit", "0.92", "--input", WAVE_A);
        assertThat(none.out()).containsPattern("INCONCLUSIVE\\s+cache hit\\s+no cache_hit_ratio samples in the window");
        assertThat(gate("--tenant", "TENANT_004", "--slo", "0.994", "--input", WAVE_A).out()).doesNotContain("cache hit");
        Run bad = gate("--tenant", "TENANT_004", "--cache-hit", "92", "--input", WAVE_A);
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("--cache-hit must be a ratio in (0, 1], e.g. 0.92, got 92.0");
        assertThat(gate("--tenant", "TENANT_004", "--canary", "--cache-hit", "0.92", "--input", WAVE_A).exit()).isEqualTo(2);
    }

    private static JsonNode checkNamed(Run r, String name) throws Exception {
        for (JsonNode c : new ObjectMapper().readTree(r.out()).get("checks")) {
            if (c.get("check").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no check " + name + " in " + r.out() + r.err());
    }
}
