package io.tripwire.cli.opa;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code tripwire opa-logs} refusals that need no broker: one line naming what is wrong, exit code 2. */
class OpaLogsCommandTest {

    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();
    private final StringWriter out = new StringWriter();

    private int run(String... args) {
        return new CommandLine(new OpaLogsCommand()).setErr(new PrintWriter(err, true)).setOut(new PrintWriter(out, true)).execute(args);
    }

    @Test
    void noCredentialsOnANonLoopbackAddressIsRefusedSayingWhatToPass() {
        assertThat(run("--listen", "0.0.0.0:0", "--bootstrap-server", "127.0.0.1:1")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("tripwire opa-logs: refusing to listen on 0.0.0.0:0 without credentials: any host that "
                + "can reach it could post decision-log events. Pass --token-file FILE (OPA: credentials.bearer), or --tls-cert, "
                + "--tls-key and --client-ca (OPA: credentials.client_tls), or listen on a loopback address such as 127.0.0.1"
                + System.lineSeparator());
    }

    @Test
    void httpsAloneIsNoCredential() throws Exception {
        TestPki pki = new TestPki(dir.resolve("pki"), false);

        assertThat(run("--listen", "0.0.0.0:0", "--tls-cert", pki.serverPem.toString(), "--tls-key", pki.serverKeyPem.toString())).isEqualTo(2);
        assertThat(err.toString()).startsWith("tripwire opa-logs: refusing to listen on 0.0.0.0:0 without credentials");
    }

    @Test
    void aMissingOrEmptyTokenFileIsNamed() throws Exception {
        Path absent = dir.resolve("opa-token");
        assertThat(run("--listen", "0.0.0.0:0", "--token-file", absent.toString())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("tripwire opa-logs: " + absent + ": file not found (it must hold the bearer token OPA sends)"
                + System.lineSeparator());

        Path empty = Files.writeString(dir.resolve("empty-token"), "\n");
        err.getBuffer().setLength(0);
        assertThat(run("--listen", "0.0.0.0:0", "--token-file", empty.toString())).isEqualTo(2);
        assertThat(err.toString()).startsWith("tripwire opa-logs: " + empty + ": the file is empty").hasLineCount(1);
    }

    @Test
    void tlsOptionsThatDoNotGoTogetherAreUsageErrors() throws Exception {
        Path pem = Files.writeString(dir.resolve("x.pem"), "");

        assertThat(run("--tls-cert", pem.toString())).isEqualTo(2);
        assertThat(err.toString()).startsWith("--tls-cert needs --tls-key: HTTPS takes a certificate and its private key");
        err.getBuffer().setLength(0);
        assertThat(run("--client-ca", pem.toString())).isEqualTo(2);
        assertThat(err.toString()).startsWith("--client-ca needs --tls-cert and --tls-key: client certificates are asked for in a TLS "
                + "handshake, so the server must serve HTTPS");
    }

    @Test
    void aBadSizeIsAUsageError() {
        assertThat(run("--max-body", "lots")).isEqualTo(2);
        assertThat(err.toString()).contains("'lots' is not a size; use e.g. 10MB, 512KB or 4096 (bytes)");
    }

    @Test
    void helpShowsTheCredentialsLimitsAndExamples() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("--token-file=FILE", "--tls-cert=PEM", "--tls-key=PEM", "--client-ca=PEM",
                "--max-body=SIZE", "Default: 10MB", "--max-decompressed=SIZE", "Default: 100MB",
                "--token-file /etc/tripwire/opa-token", "--client-ca ca.pem");
    }
}
