package io.tripwire.cli.evidence;

import io.tripwire.cli.Cli.Run;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tripwire.cli.RulesOptions;
import io.tripwire.engine.replay.FileReplay;
import io.tripwire.json.JsonForm;
import io.tripwire.signing.ActionSigner;
import io.tripwire.signing.Ed25519Keys;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;

import static io.tripwire.cli.Cli.cli;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The evidence bundle's decision memo carries the autonomy pilot's weekly review (issue 24): a bundle
 * of test-data/wave-a.jsonl in file mode, with the action records a replay under the story rules sent,
 * has TENANT_001's, TENANT_002's and TENANT_003's reviews in kpis.md and pilot.json, and still verifies,
 * and stops verifying, naming pilot.json, when a byte of it changes. A window without autonomy
 * decisions has no review and the memo it had before.
 */
class EvidencePilotTest {

    private static final Path WAVE_A = Path.of("..", "test-data", "wave-a.jsonl");
    private static final Path STORY_RULES = Path.of("..", "test-data", "story-rules.yaml");

    @TempDir
    static Path dir;

    /** What went out: the story's action records, signed with the engine's key. */
    @BeforeAll
    static void sendTheStorysActions() throws Exception {
        KeyPair engine = Ed25519Keys.generate();
        Ed25519Keys.write(engine, dir.resolve("engine-keys"));
        List<String> sent = FileReplay.run(WAVE_A, RulesOptions.load(STORY_RULES, List.of()), new ActionSigner(engine.getPrivate()),
                (p, d, t) -> { }).actions().stream().map(JsonForm::write).toList();
        Files.write(dir.resolve("sent.jsonl"), sent, StandardCharsets.UTF_8);
    }

    private static Run evidence(Path bundle, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("evidence", "--out", bundle.toString(), "--from", "2025-10-06T09:00:00Z",
                "--to", "2025-10-06T11:00:00Z", "--input", WAVE_A.toString(), "--actions", dir.resolve("sent.jsonl").toString(),
                "--public-key", dir.resolve("engine-keys/public.pem").toString(), "--rules", STORY_RULES.toString()));
        args.addAll(List.of(more));
        return cli(args.toArray(String[]::new));
    }

    @Test
    void theMemoAndPilotJsonCarryEachTenantsReviewAndTheBundleVerifiesUntilPilotJsonChanges() throws Exception {
        Path bundle = dir.resolve("bundle");
        Run made = evidence(bundle);

        assertThat(made.exit()).as(made.out()).isZero();
        assertThat(made.out()).contains("sent: identical", "autonomy pilot review (kpis.md, pilot.json): TENANT_001 simulation delta PASS, "
                + "autonomy rate FAIL, compensation rate FAIL; TENANT_002 simulation delta INCONCLUSIVE, autonomy rate n/a, compensation "
                + "rate n/a; TENANT_003 simulation delta n/a, autonomy rate INCONCLUSIVE, compensation rate INCONCLUSIVE");
        String memo = Files.readString(bundle.resolve("kpis.md"));
        // the KPI table first, as before, then the review
        assertThat(memo.indexOf("| TENANT_004 |")).isPositive().isLessThan(memo.indexOf("## Autonomy pilot review"));
        assertThat(memo).contains("### TENANT_001", "### TENANT_002", "### TENANT_003",
                "| autonomy rate | ENACT | 211 of 214 enacted ops autonomous (98.60%) |",
                "| 2025-10-06 09:30:01 UTC | CHG-PILOT-0 | pilot-lead@example.org | (pilot-2025) | refused: ",
                "| 2025-10-06 09:55:01 UTC | CHG-PILOT-1 | pilot-lead@example.org | pilot-lead@example.org (pilot-2025) | honoured; "
                        + "ended at 2025-10-06 10:35:05 UTC by autonomy-compensation THROTTLE_AUTONOMY |",
                "| unapproved-enact | THROTTLE_AUTONOMY | 1 | 2025-10-06 10:45:00 UTC |")
                .doesNotContain("### TENANT_004", "### TENANT_005");
        JsonNode pilot = new ObjectMapper().readTree(bundle.resolve("pilot.json").toFile());
        assertThat(pilot.findValuesAsText("tenant")).containsExactly("TENANT_001", "TENANT_002", "TENANT_003");
        assertThat(pilot.get(0).get("checks").findValuesAsText("verdict")).containsExactly("PASS", "FAIL", "FAIL");
        // the report in the bundle has the same reviews
        assertThat(Files.readString(bundle.resolve("replay/report.html"))).contains("<h3 id=\"pilot-1\">Autonomy pilot review</h3>",
                "211 of 214 enacted ops autonomous (98.60%)");
        assertThat(new ObjectMapper().readTree(bundle.resolve("manifest.json").toFile()).get("artifacts").findValuesAsText("path"))
                .contains("kpis.md", "pilot.json");

        Run ok = cli("evidence", "verify", bundle.toString());
        assertThat(ok.exit()).as(ok.out()).isZero();

        Path json = bundle.resolve("pilot.json");
        byte[] bytes = Files.readAllBytes(json);
        bytes[bytes.length / 2] ^= 1;
        Files.write(json, bytes);
        Run changed = cli("evidence", "verify", bundle.toString());
        assertThat(changed.exit()).isEqualTo(1);
        assertThat(changed.out()).contains(json + ": changed (sha256");
    }

    @Test
    void aWindowWithoutAutonomyDecisionsHasNoReview() throws Exception {
        Path bundle = dir.resolve("tenant-4");
        Run made = evidence(bundle, "--tenant", "TENANT_004");

        assertThat(made.exit()).as(made.out()).isZero();
        assertThat(made.out()).doesNotContain("autonomy pilot review");
        String memo = Files.readString(bundle.resolve("kpis.md"));
        assertThat(memo).contains("| TENANT_004 |").doesNotContain("pilot", "###");
        assertThat(memo).endsWith(" |\n"); // the KPI table is the whole memo, as before
        assertThat(Files.readString(bundle.resolve("pilot.json"))).isEqualTo("[ ]\n");
        assertThat(cli("evidence", "verify", bundle.toString()).exit()).isZero();
    }
}
