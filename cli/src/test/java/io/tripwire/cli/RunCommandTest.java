package io.tripwire.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code tripwire run} errors that need no broker: one line, exit code 2. */
class RunCommandTest {

    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return new CommandLine(new RunCommand(false)).setErr(new PrintWriter(err, true)).execute(args);
    }

    @Test
    void aBadConfigIsOneLineNamingFileKeyAndAllowedValues() throws Exception {
        Path config = Files.writeString(dir.resolve("bad.yaml"), "action-format: xml\n");

        assertThat(run("--config", config.toString())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("tripwire run: " + config + ": action-format: 'xml' is not allowed; use avro or json"
                + System.lineSeparator());
    }

    @Test
    void aMissingConfigFileIsOneLine() {
        Path config = dir.resolve("absent.yaml");

        assertThat(run("--config", config.toString())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("tripwire run: " + config + ": file not found" + System.lineSeparator());
    }

    @Test
    void aMissingSigningKeyIsOneLine() throws Exception {
        Path config = Files.writeString(dir.resolve("engine.yaml"), "bootstrap-servers: 127.0.0.1:1\n");
        Path key = dir.resolve("nope.pem");

        assertThat(run("--config", config.toString(), "--signing-key", key.toString())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("tripwire run: file not found: " + key + System.lineSeparator());
    }

    @Test
    void badRulesAreOneLine() throws Exception {
        Path config = Files.writeString(dir.resolve("engine.yaml"), "bootstrap-servers: 127.0.0.1:1\n");

        assertThat(run("--config", config.toString(), "--set", "tripwires.read-latency.threshold=abc")).isEqualTo(2);
        assertThat(err.toString()).startsWith("tripwire run: ").contains("read-latency").hasLineCount(1);
    }
}
