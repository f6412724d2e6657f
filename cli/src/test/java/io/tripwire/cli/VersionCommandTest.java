package io.tripwire.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class VersionCommandTest {

    @Test
    void projectVersionIsFilledInByTheBuild() {
        assertThat(ProjectVersion.get()).matches("\\d+\\.\\d+\\.\\d+.*").doesNotContain("${");
    }

    @Test
    void versionOptionPrintsTheProjectVersion() {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new TripwireCli()).setOut(new PrintWriter(out));

        assertThat(cli.execute("--version")).isZero();
        assertThat(out.toString().trim()).isEqualTo("tripwire " + ProjectVersion.get());
    }
}
