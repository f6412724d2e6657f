package io.tripwire.cli.opa;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UploadGuardTest {

    @Test
    void withoutCredentialsOnlyALoopbackAddressIsAcceptedAndWarnedAbout() {
        UploadGuard open = UploadGuard.open();

        assertThat(open.exposure(new InetSocketAddress("127.0.0.1", 9466)))
                .hasValue("opa-logs on 127.0.0.1:9466 accepts uploads without credentials: anyone on this host can post "
                        + "decision-log events; pass --token-file or --client-ca to require them");
        assertThat(open.exposure(new InetSocketAddress("::1", 9466))).isPresent();
        assertThat(open.exposure(new InetSocketAddress("localhost", 9466))).isPresent();
        assertThatThrownBy(() -> open.exposure(new InetSocketAddress("::", 9466)))
                .hasMessageStartingWith("refusing to listen on [0:0:0:0:0:0:0:0]:9466 without credentials");
        for (String host : new String[]{"0.0.0.0", "192.0.2.10"}) {
            assertThatThrownBy(() -> open.exposure(new InetSocketAddress(host, 9466))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("refusing to listen on " + host + ":9466 without credentials: any host that can reach it "
                            + "could post decision-log events. Pass --token-file FILE (OPA: credentials.bearer), or --tls-cert, "
                            + "--tls-key and --client-ca (OPA: credentials.client_tls), or listen on a loopback address such as 127.0.0.1");
        }
    }

    @Test
    void aTokenMayListenAnywhereQuietly() {
        UploadGuard guarded = new UploadGuard(BearerToken.of("0123456789abcdef0123"), null, 1024, 4096);

        assertThat(guarded.exposure(new InetSocketAddress("0.0.0.0", 9466))).isEmpty();
        assertThat(guarded.describe()).isEqualTo("bearer token required; bodies up to 1KB, 4KB decompressed");
        assertThat(UploadGuard.open().describe()).isEqualTo("no credentials required; bodies up to 10MB, 100MB decompressed");
    }
}
