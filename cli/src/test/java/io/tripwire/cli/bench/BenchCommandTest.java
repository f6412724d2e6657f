package io.tripwire.cli.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Argument parsing and the key=value output; no broker, no timing. */
class BenchCommandTest {

    private static BenchCommand parse(String... args) {
        BenchCommand c = new BenchCommand();
        new CommandLine(c).parseArgs(args);
        return c;
    }

    @Test
    void quickAndFullPlans() {
        assertThat(parse("--quick").plan()).isEqualTo(new BenchCommand.Plan(300_000, 5_000, 300, List.of("throughput", "latency")));
        assertThat(parse().plan()).isEqualTo(new BenchCommand.Plan(3_000_000, 20_000, 1_000, List.of("throughput", "latency", "state")));
    }

    @Test
    void steadyRateIsTakenBetweenTheSamplesAt10And90Percent() {
        BenchCommand.Steady s = new BenchCommand.Steady(1_000);
        s.sample(0, 0);          // start-up: nothing committed yet
        s.sample(4_000_000_000L, 50);
        s.sample(5_000_000_000L, 120); // first at or past 10%
        s.sample(6_000_000_000L, 500);
        s.sample(7_000_000_000L, 920); // first at or past 90%
        s.sample(9_000_000_000L, 1_000);
        assertThat(s.rate()).isEqualTo(400.0); // (920 - 120) events in 2 s; the slow start does not count
        BenchCommand.Steady once = new BenchCommand.Steady(1_000);
        once.sample(1_000_000_000L, 1_000); // one sample past both marks: too short a run to tell
        assertThat(once.rate()).isNaN();
    }

    @Test
    void overridesAndEngineSettings() {
        BenchCommand c = parse("--quick", "--events", "1000", "--trials", "5", "--phases", "latency",
                "--engine-config", "commit.interval.ms=1000,statestore.cache.max.bytes=0");
        assertThat(c.plan()).isEqualTo(new BenchCommand.Plan(1000, 5_000, 5, List.of("latency")));
        assertThat(c.engineConfig).containsEntry("commit.interval.ms", "1000").containsEntry("statestore.cache.max.bytes", "0");
    }

    @Test
    void unknownPhaseIsRefused() {
        assertThatThrownBy(() -> parse("--phases", "throughput,nope").plan()).hasMessageContaining("unknown phase: nope");
    }

    @Test
    void repeatIsAtLeastOne() {
        assertThat(parse().repeat).isOne();
        assertThat(parse("--repeat", "3").repeat).isEqualTo(3);
        assertThatThrownBy(() -> parse("--repeat", "0").plan()).hasMessageContaining("--repeat must be at least 1, not 0");
    }

    @Test
    void numbersPrintPlainlyWithAtMostThreeDecimals() {
        assertThat(BenchReport.format(12345.0)).isEqualTo("12345");
        assertThat(BenchReport.format(0.5)).isEqualTo("0.5");
        assertThat(BenchReport.format(2.0 / 3)).isEqualTo("0.667");
        assertThat(BenchReport.format(Double.NaN)).isEqualTo("NaN");
    }

    @Test
    void keyValueLinesEndTheOutputAndTheResultsFile(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BenchReport r = new BenchReport(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        r.line("machine: %d cores", 2);
        r.figure("engine_events_per_s", 1234L);
        r.figure("ratio", 0.25);
        Path file = dir.resolve("sub/results.txt");
        r.finish(file);
        String expected = "machine: 2 cores\nengine_events_per_s=1234\nratio=0.25\n";
        assertThat(bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n")).isEqualTo(expected);
        assertThat(Files.readString(file)).isEqualTo(expected);
    }

    @Test
    void trendMediansSkipTrialsThatWereNotDetected() {
        long[] micros = {1_000, 0, 3_000, 2_000, 9_000};
        assertThat(BenchCommand.medianMs(micros, 0, 4)).isEqualTo(2.0);
        assertThat(BenchCommand.medianMs(micros, 1, 2)).isNaN();
    }
}
