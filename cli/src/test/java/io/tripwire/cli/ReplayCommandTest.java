package io.tripwire.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ReplayCommandTest {

    /** 20 minutes of one READ request a second at 500 ms for TENANT_004, and one unreadable line. */
    private static Path slowReads(Path dir) throws Exception {
        List<String> lines = new ArrayList<>();
        Instant t0 = Instant.parse("2025-10-06T10:00:00Z");
        for (int i = 0; i < 1200; i++) {
            lines.add("{\"type\":\"request\",\"ts\":\"" + t0.plusSeconds(i) + "\",\"tenant\":\"TENANT_004\",\"service\":\"api\","
                    + "\"op\":\"READ\",\"status\":200,\"latencyMs\":500}");
            if (i == 10) {
                lines.add("{\"type\":\"request\",\"ts\":\"" + t0.plusSeconds(i) + "\",\"tenant\":\"TENANT_004\"}");
            }
        }
        Path file = dir.resolve("slow.jsonl");
        Files.write(file, lines);
        return file;
    }

    @Test
    void writesTheFourOutputsAndDeadLettersTheBadLineWithItsNumber(@TempDir Path dir) throws Exception {
        int exit = new CommandLine(new TripwireCli()).execute("replay", "--input", slowReads(dir).toString(),
                "--out", dir.resolve("out").toString(), "--rules", "../config/tripwires.yaml");
        assertThat(exit).isZero();
        assertThat(Files.readString(dir.resolve("out/actions.jsonl"))).contains("\"tripwire\":\"read-latency\"");
        assertThat(Files.readString(dir.resolve("out/signals.jsonl"))).contains("latency_p95_ms");
        assertThat(Files.readString(dir.resolve("out/dead-letter.jsonl"))).contains("\"line\":12").contains("\"reason\":\"missing-field\"");
        assertThat(Files.readString(dir.resolve("out/report.html"))).contains("<svg");
    }

    @Test
    void compareListsTheFiringsThatDifferBetweenTwoThresholdFiles(@TempDir Path dir) throws Exception {
        Path b = dir.resolve("b.yaml");
        Files.writeString(b, Files.readString(Path.of("../config/tripwires.yaml")).replace("threshold: 350", "threshold: 600"));
        int exit = new CommandLine(new TripwireCli()).execute("replay", "--input", slowReads(dir).toString(),
                "--out", dir.resolve("cmp").toString(), "--compare", "../config/tripwires.yaml", b.toString());
        assertThat(exit).isZero();
        String md = Files.readString(dir.resolve("cmp/compare.md"));
        assertThat(md).contains("only under A: 1").contains("only under B: 0")
                .contains("| 2025-10-06T10:11:00Z | read-latency | TENANT_004 | READ | ALERT |");
    }
}
