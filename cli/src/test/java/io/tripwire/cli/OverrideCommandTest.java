package io.tripwire.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

class OverrideCommandTest {

    @Test
    void refusesAnUnknownTripwireIdWithTheValidOnesAndExitCode2() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new OverrideCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err));

        // no broker at this address: the id must be refused before anything is sent
        int code = cli.execute("--tenant", "TENANT_005", "--tripwire", "residency-violaton", "--token", "tok-1",
                "--by", "dpo@example.org", "--bootstrap-server", "127.0.0.1:1", "--timeout", "1s");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).startsWith("tripwire override: unknown tripwire 'residency-violaton'; valid ids: ")
                .contains("residency-violation", "error-budget", "purpose-missing", "ramp-freeze");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void helpShowsExamples() {
        StringWriter out = new StringWriter();
        new CommandLine(new TripwireCli()).setOut(new PrintWriter(out)).execute("override", "--help");

        assertThat(out.toString()).contains("Examples:", "--tripwire residency-violation", "--command-config");
    }
}
