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
import java.util.Locale;
import java.util.SplittableRandom;

import static io.tripwire.cli.gate.GateCommandTest.gate;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code tripwire gate --canary}: the soak question of a canary step, answered from the canary
 * judgement of the tenant's current stage (SPEC 3): FAIL if a key fired, PASS when every key with
 * traffic has passed, INCONCLUSIVE otherwise; exit codes 1, 0, 3.
 */
class CanaryGateCommandTest {

    private static final Instant T0 = Instant.parse("2025-10-06T10:00:00Z");

    /**
     * A 10% step at 10:00 and {@code minutes} of READ traffic at 20 requests a second, labelled; both
     * cohorts fail 2% of requests; the canary's median latency is {@code canaryMs} (the baseline's 120).
     */
    private static Path stage(Path dir, int minutes, double canaryMs) throws Exception {
        List<String> lines = new ArrayList<>();
        lines.add("{\"type\":\"rollout\",\"ts\":\"" + T0 + "\",\"tenant\":\"T\",\"wave\":\"A\",\"region\":\"eu-west-1\","
                + "\"stepPercent\":10,\"previousPercent\":2,\"version\":\"v2\"}");
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < minutes * 60 * 20; i++) {
            boolean canary = rnd.nextDouble() < 0.10;
            double ms = Math.min(1000, Math.max(1, Math.round((canary ? canaryMs : 120) * Math.exp(0.35 * rnd.nextGaussian()))));
            lines.add(String.format(Locale.ROOT, "{\"type\":\"request\",\"ts\":\"%s\",\"tenant\":\"T\",\"service\":\"api\",\"op\":\"READ\","
                    + "\"status\":%d,\"latencyMs\":%.0f,\"cohort\":\"%s\"}", T0.plusMillis(50L * i), rnd.nextDouble() < 0.02 ? 503 : 200, ms,
                    canary ? "canary" : "baseline"));
        }
        Path file = dir.resolve("stage-" + minutes + "-" + canaryMs + ".jsonl");
        Files.write(file, lines);
        return file;
    }

    @Test
    void aSlowCanaryFailsWithItsEvidence(@TempDir Path dir) throws Exception {
        GateCommandTest.Run r = gate("--canary", "--tenant", "T", "--window", "1d", "--input", stage(dir, 20, 200).toString());
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.out()).contains("gate --canary T at ", ": FAIL", "stage from 2025-10-06T10:00:00Z at 10%, version v2")
                .containsPattern("FAIL\\s+canary-latency\\s+READ\\s+e_worse ")
                .contains("rule: FAIL if a canary key fired");
    }

    @Test
    void aHealthyCanaryPassesOnceEveryKeyHasShownNoWorseAndNotBefore(@TempDir Path dir) throws Exception {
        // two minutes: nothing has passed yet (the stage needs 100 canary requests before buckets count)
        GateCommandTest.Run early = gate("--canary", "--tenant", "T", "--window", "1d", "--input", stage(dir, 2, 120).toString());
        assertThat(early.exit()).as(early.out()).isEqualTo(3);
        assertThat(early.out()).contains(": INCONCLUSIVE");

        // an hour of the same: both keys have passed
        GateCommandTest.Run r = gate("--canary", "--tenant", "T", "--window", "1d", "--json", "--input", stage(dir, 60, 120).toString());
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("verdict").asText()).isEqualTo("PASS");
        assertThat(j.get("stage").get("stepPercent").asInt()).isEqualTo(10);
        assertThat(j.get("keys")).extracting(k -> k.get("tripwire").asText() + " " + k.get("scope").asText() + " " + k.get("verdict").asText())
                .containsExactlyInAnyOrder("canary-errors api PASS", "canary-latency READ PASS");
        assertThat(j.get("keys")).allSatisfy(k -> {
            assertThat(k.get("ePass").asDouble()).isGreaterThanOrEqualTo(k.get("level").asDouble());
            assertThat(k.get("canaryRequests").asLong()).isGreaterThan(100);
        });
    }

    @Test
    void aTenantWithoutLabelledTrafficIsInconclusive(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("plain.jsonl");
        Files.write(file, List.of("{\"type\":\"request\",\"ts\":\"2025-10-06T10:00:00Z\",\"tenant\":\"T\",\"service\":\"api\",\"op\":\"READ\","
                + "\"status\":200,\"latencyMs\":80}"));
        GateCommandTest.Run r = gate("--canary", "--tenant", "T", "--input", file.toString());
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.out()).contains("no canary stage");
    }
}
