package io.tripwire.cli.opa;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.tripwire.cli.opa.BearerToken.Check.ACCEPTED;
import static io.tripwire.cli.opa.BearerToken.Check.MISSING;
import static io.tripwire.cli.opa.BearerToken.Check.WRONG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BearerTokenTest {

    @TempDir
    Path dir;

    private static final String TOKEN = "3f9a1c0e7b2d4e6f8a0b1c2d3e4f5a6b";

    @Test
    void theFileIsTrimmedAsOpaTrimsItsTokenPath() throws Exception {
        BearerToken t = BearerToken.read(Files.writeString(dir.resolve("token"), "  " + TOKEN + "\n\n"));

        assertThat(t.check("Bearer " + TOKEN)).isEqualTo(ACCEPTED);
        assertThat(t.check("bearer   " + TOKEN + " ")).isEqualTo(ACCEPTED); // the scheme is case-insensitive (RFC 7235)
    }

    @Test
    void aMissingOtherOrWrongTokenIsToldApart() {
        BearerToken t = BearerToken.of(TOKEN);

        assertThat(t.check(null)).isEqualTo(MISSING);
        assertThat(t.check("")).isEqualTo(MISSING);
        assertThat(t.check("Bearer")).isEqualTo(MISSING);
        assertThat(t.check("Basic " + TOKEN)).isEqualTo(MISSING);
        assertThat(t.check("Bearer " + TOKEN.substring(1))).isEqualTo(WRONG);
        assertThat(t.check("Bearer " + TOKEN + "x")).isEqualTo(WRONG);
        assertThat(t.check("Bearer " + TOKEN.toUpperCase())).isEqualTo(WRONG);
    }

    @Test
    void aMissingOrEmptyFileIsRefusedNamingIt() throws Exception {
        Path absent = dir.resolve("absent");
        assertThatThrownBy(() -> BearerToken.read(absent)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(absent + ": file not found (it must hold the bearer token OPA sends)");

        Path empty = Files.writeString(dir.resolve("empty"), " \n");
        assertThatThrownBy(() -> BearerToken.read(empty)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(empty + ": the file is empty (it must hold the bearer token OPA sends; make one with: openssl rand -hex 32 > ");

        Path twoWords = Files.writeString(dir.resolve("two"), "abc def\n");
        assertThatThrownBy(() -> BearerToken.read(twoWords)).hasMessageStartingWith(twoWords + ": the token holds whitespace");
    }
}
