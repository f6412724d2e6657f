package io.tripwire.cli;

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

class ReplayCommandTest {

    private record Run(int code, String out, String err) {
    }

    private static Run replay(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 1];
        all[0] = "replay";
        System.arraycopy(args, 0, all, 1, args.length);
        int code = new CommandLine(new TripwireCli()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(all);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void inputAndTopicModeAreMutuallyExclusive(@TempDir Path dir) {
        Run r = replay("--input", "x.jsonl", "--bootstrap-server", "localhost:9092", "--from", "2025-10-06T10:00:00Z",
                "--to", "2025-10-06T11:00:00Z", "--out", dir.toString());
        assertThat(r.code).isEqualTo(2);
        assertThat(r.err).contains("mutually exclusive");
    }

    @Test
    void theTopicOptionsAreRefusedWithAFile(@TempDir Path dir) {
        for (String[] option : new String[][] {{"--bootstrap-server", "localhost:9092"}, {"--topic-prefix", "wa."},
            {"--opa-topic", "opa-decision-logs"}}) {
            Run r = replay("--input", "x.jsonl", option[0], option[1], "--out", dir.toString());
            assertThat(r.code).as(option[0]).isEqualTo(2);
            assertThat(r.err).contains("are for topic mode (--from/--to), not --input");
        }
    }

    @Test
    void oneSourceIsRequiredAndTopicModeNeedsBothEndsOfTheWindow(@TempDir Path dir) {
        Run none = replay("--out", dir.toString());
        assertThat(none.code).isEqualTo(2);
        assertThat(none.err).contains("Missing required argument").contains("--input").contains("--from");
        Run noTo = replay("--bootstrap-server", "localhost:9092", "--from", "2025-10-06T10:00:00Z", "--out", dir.toString());
        assertThat(noTo.code).isEqualTo(2);
        assertThat(noTo.err).contains("--to");
    }

    @Test
    void fromMustBeBeforeToAndTimesMustParse(@TempDir Path dir) {
        Run backwards = replay("--from", "2025-10-06T11:00:00Z", "--to", "2025-10-06T10:00:00Z", "--out", dir.toString());
        assertThat(backwards.code).isEqualTo(2);
        assertThat(backwards.err).contains("--from 2025-10-06T11:00:00Z must be before --to 2025-10-06T10:00:00Z");
        Run empty = replay("--from", "1759744800000", "--to", "2025-10-06T10:00:00Z", "--out", dir.toString());
        assertThat(empty.code).as("epoch millis of the same instant: an empty window").isEqualTo(2);
        Run garbage = replay("--from", "yesterday", "--to", "2025-10-06T10:00:00Z", "--out", dir.toString());
        assertThat(garbage.code).isEqualTo(2);
        assertThat(garbage.err).contains("'yesterday' is not a time");
    }

    @Test
    void anUnreachableClusterFailsWithAReadableMessageWithinTheClientTimeout(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("client.properties"), "default.api.timeout.ms=2000\nrequest.timeout.ms=2000\n");
        long started = System.nanoTime();
        Run r = replay("--bootstrap-server", "127.0.0.1:1", "--command-config", config.toString(),
                "--from", "2025-10-06T10:00:00Z", "--to", "2025-10-06T11:00:00Z", "--out", dir.resolve("out").toString());
        assertThat(r.code).isEqualTo(1);
        assertThat(r.err).contains("tripwire replay: no answer from Kafka at 127.0.0.1:1 within 2 s");
        assertThat(System.nanoTime() - started).isLessThan(20_000_000_000L);
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void aMissingCommandConfigIsABadCommandLine(@TempDir Path dir) {
        Run r = replay("--command-config", dir.resolve("nope.properties").toString(),
                "--from", "2025-10-06T10:00:00Z", "--to", "2025-10-06T11:00:00Z", "--out", dir.toString());
        assertThat(r.code).isEqualTo(2);
        assertThat(r.err).contains("file not found");
    }

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
