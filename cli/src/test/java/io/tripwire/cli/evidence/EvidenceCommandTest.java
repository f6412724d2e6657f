package io.tripwire.cli.evidence;

import io.tripwire.cli.TripwireCli;
import io.tripwire.signing.Ed25519Keys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad key files and client settings are usage errors naming the option and file (exit 2), not stack traces. */
class EvidenceCommandTest {

    record Run(int exit, String err) {
    }

    private static Run evidence(Path dir, String... more) {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new TripwireCli());
        cli.setOut(new PrintWriter(new StringWriter()));
        cli.setErr(new PrintWriter(err));
        String[] base = {"evidence", "--out", dir.resolve("bundle").toString(), "--from", "2025-10-06T10:00:00Z", "--to",
            "2025-10-06T11:00:00Z", "--bootstrap-server", "127.0.0.1:1"};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return new Run(cli.execute(all), err.toString());
    }

    @Test
    void aMissingPublicKeyIsNamed(@TempDir Path dir) {
        Run r = evidence(dir, "--public-key", dir.resolve("nope.pem").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--public-key " + dir.resolve("nope.pem") + ": file not found").doesNotContain("Exception");
    }

    @Test
    void aSigningKeyWithoutItsPublicHalfIsNamed(@TempDir Path dir) throws Exception {
        Ed25519Keys.write(Ed25519Keys.generate(), dir.resolve("engine"));
        Path lonely = dir.resolve("lonely");
        Files.createDirectories(lonely);
        Files.copy(dir.resolve("engine/private.pem"), lonely.resolve("private.pem"));
        Run r = evidence(dir, "--public-key", dir.resolve("engine/public.pem").toString(), "--signing-key", lonely.resolve("private.pem").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--signing-key " + lonely.resolve("private.pem") + ": expected public.pem beside it");
    }

    @Test
    void aMissingCommandConfigIsNamed(@TempDir Path dir) throws Exception {
        Ed25519Keys.write(Ed25519Keys.generate(), dir.resolve("engine"));
        Run r = evidence(dir, "--public-key", dir.resolve("engine/public.pem").toString(), "--command-config", "no-such.properties");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--command-config no-such.properties: file not found").doesNotContain("Exception");
    }
}
