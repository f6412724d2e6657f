package io.tripwire.engine.report;

import io.tripwire.engine.replay.ReplayOutput;
import io.tripwire.schemas.TripwireAction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.tripwire.engine.report.ReportFixtures.action;
import static io.tripwire.engine.report.ReportFixtures.output;
import static org.assertj.core.api.Assertions.assertThat;

/** compare.md (SPEC section 5, {@code --compare A.yaml B.yaml}): which firings differ under two rule sets. */
class ReportCompareTest {

    private static ReplayOutput defaults;
    private static ReplayOutput lenientReads;

    @BeforeAll
    static void replayTheIncidentUnderTwoThresholds() {
        defaults = ReportScenario.incident();
        lenientReads = ReportScenario.incident("tripwires.read-latency.threshold=600");
    }

    @Test
    void aHigherReadLatencyThresholdRemovesTheReadLatencyAlertAndItsResolution() {
        CompareReport.Difference d = CompareReport.diff(defaults, lenientReads);
        assertThat(d.onlyInA()).extracting(a -> a.getTenant() + " " + a.getTripwire() + " " + a.getScope() + " " + a.getAction() + "@" + a.getFiredAt())
                .containsExactly("TENANT_004 read-latency READ ALERT@2025-10-06T10:11:00Z",
                        "TENANT_004 read-latency READ RESOLVED@2025-10-06T10:20:00Z");
        assertThat(d.onlyInB()).isEmpty();
        assertThat(d.same()).isEqualTo(defaults.actions().size() - 2).isEqualTo(lenientReads.actions().size());
    }

    @Test
    void theMarkdownHasCountsPerTripwireThenEachSideThenTheSameCount() {
        String md = CompareReport.render(defaults, "tripwires.yaml", lenientReads, "read-latency 600 ms");
        assertThat(md).startsWith("# Compare: A = tripwires.yaml, B = read-latency 600 ms\n")
                .contains("- only under A: 2\n- only under B: 0\n- same: " + (defaults.actions().size() - 2) + "\n")
                .contains("| tripwire | A | B | only A | only B |\n|---|---:|---:|---:|---:|\n")
                .contains("| read-latency | 2 | 0 | 2 | 0 |\n", "| replica-lag | 5 | 5 | 0 | 0 |\n")
                .contains("## Only under A (tripwires.yaml)\n\n| firedAt | tripwire | tenant | scope | action | reason |\n|---|---|---|---|---|---|\n"
                        + "| 2025-10-06T10:11:00Z | read-latency | TENANT_004 | READ | ALERT | p95 READ latency 560.1 ms \\> 350 ms over 5m held for 10m (300 requests) |\n"
                        + "| 2025-10-06T10:20:00Z | read-latency | TENANT_004 | READ | RESOLVED | p95 READ latency 170.1 ms \\<= 350 ms over 5m (300 requests) |\n")
                .contains("## Only under B (read-latency 600 ms)\n\nNone.\n")
                .endsWith("## Same\n\n" + (defaults.actions().size() - 2) + " firings are the same under A and B; differing tripwires: read-latency.\n");
        assertThat(md.indexOf("## Firings per tripwire")).isLessThan(md.indexOf("## Only under A")).isPositive();
        assertThat(md.indexOf("## Only under A")).isLessThan(md.indexOf("## Only under B"));
    }

    @Test
    void aReplayComparedWithItselfHasNoDifference() {
        String md = CompareReport.render(defaults, "A", ReportScenario.incident(), "again");
        assertThat(md).contains("- only under A: 0\n- only under B: 0\n", "## Only under A (A)\n\nNone.\n",
                "firings are the same under A and B; no firing differs.");
    }

    @Test
    void firingsAreComparedAsMultisetsIgnoringIdsAndReasons() {
        TripwireAction deny = action("2025-10-06T10:00:00Z", "purpose-missing", "T", "T", "ABORT_OP", "op 1");
        TripwireAction sameDenyOtherOp = action("2025-10-06T10:00:00Z", "purpose-missing", "T", "T", "ABORT_OP", "op 2");
        TripwireAction sameInB = action("2025-10-06T10:00:00Z", "purpose-missing", "T", "T", "ABORT_OP", "reworded");
        TripwireAction laterInB = action("2025-10-06T10:05:00Z", "purpose-missing", "T", "T", "ABORT_OP", "op 3");
        CompareReport.Difference d = CompareReport.diff(output(List.of(deny, sameDenyOtherOp), List.of()),
                output(List.of(laterInB, sameInB), List.of()));
        assertThat(d.same()).isEqualTo(1);
        assertThat(d.onlyInA()).containsExactly(sameDenyOtherOp);
        assertThat(d.onlyInB()).containsExactly(laterInB);
    }

    @Test
    void markdownInDataCannotBreakTheTables() {
        TripwireAction hostile = action("2025-10-06T10:00:00Z", "purpose-missing", "T|<b>*x*</b>", "a_b", "ABORT_OP",
                "deny | `rm` <img src=x> [link](y)\nsecond line");
        String md = CompareReport.render(output(List.of(hostile), List.of()), "A|B", output(List.of(), List.of()), "B");
        String row = md.lines().filter(l -> l.startsWith("| 2025-10-06T10:00:00Z")).findFirst().orElseThrow();
        assertThat(row).isEqualTo("| 2025-10-06T10:00:00Z | purpose-missing | T\\|\\<b\\>\\*x\\*\\</b\\> | a_b | ABORT_OP | "
                + "deny \\| \\`rm\\` \\<img src=x\\> \\[link\\](y) second line |");
        assertThat(row.replace("\\|", "").chars().filter(c -> c == '|').count()).isEqualTo(7);
        assertThat(md).startsWith("# Compare: A = A\\|B, B = B\n");
    }

    @Test
    void writesCompareMdAsUtf8(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("what-if").resolve("compare.md");
        CompareReport.write(defaults, "A", lenientReads, "B", file);
        assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo(CompareReport.render(defaults, "A", lenientReads, "B"));
    }
}
