package io.tripwire.cli.demo;

import io.tripwire.cli.TripwireCli;
import io.tripwire.signing.Ed25519Keys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code tripwire execute} refuses to start with a one-line reason when it cannot run. */
class ExecuteCommandTest {

    @TempDir
    Path dir;

    private int exit;

    @Test
    void aMissingConfigFileIsAClearErrorAndANonZeroExit() {
        String err = stderrOf("execute", "--config", dir.resolve("nope.yaml").toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.strip()).isEqualTo("tripwire execute: bad configuration: " + dir.resolve("nope.yaml") + ": no such file");
    }

    @Test
    void anUnknownHandlerTypeNamesTheKey() throws Exception {
        Ed25519Keys.write(Ed25519Keys.generate(), dir);
        Path config = Files.writeString(dir.resolve("executor.yaml"),
                "trust: {public-keys: [public.pem]}\nhandlers:\n  ALERT: {type: shell}\n");

        String err = stderrOf("execute", "--config", config.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err).contains("handlers.ALERT.type").contains("'shell' is not allowed").hasLineCount(1);
    }

    @Test
    void anUnreachableBrokerIsAClearErrorAndANonZeroExit() throws Exception {
        Ed25519Keys.write(Ed25519Keys.generate(), dir);
        Path config = Files.writeString(dir.resolve("executor.yaml"),
                "kafka: {bootstrap-servers: '127.0.0.1:1'}\ntrust: {public-keys: [public.pem]}\nhandlers:\n  ALERT: {type: log}\n");

        String err = stderrOf("execute", "--config", config.toString(), "--dry-run");

        assertThat(exit).isEqualTo(1);
        assertThat(err).contains("tripwire execute: cannot reach Kafka at 127.0.0.1:1");
    }

    private String stderrOf(String... args) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            exit = new CommandLine(new TripwireCli()).execute(args);
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
