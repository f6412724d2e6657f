package io.tripwire.cli.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RedactTest {

    @Test
    void masksValuesOfKeysNamingPasswordJaasSecretOrKey() {
        assertThat(Redact.value("ssl.keystore.password", "p")).isEqualTo("***");
        assertThat(Redact.value("sasl.jaas.config", "x required password=\"p\";")).isEqualTo("***");
        assertThat(Redact.value("sasl.oauthbearer.client.secret", "s")).isEqualTo("***");
        assertThat(Redact.value("ssl.key.password", "p")).isEqualTo("***");
        assertThat(Redact.value("SIGNING_KEY", "/k.pem")).isEqualTo("***");
        assertThat(Redact.value("basic.auth.user.info", "u:p")).isEqualTo("***");
    }

    @Test
    void showsOtherValuesWithUrlCredentialsHidden() {
        assertThat(Redact.value("security.protocol", "SASL_SSL")).isEqualTo("SASL_SSL");
        assertThat(Redact.value("schema.registry.url", "https://u:p@reg:8081,https://reg2:8081"))
                .isEqualTo("https://***@reg:8081,https://reg2:8081");
        assertThat(Redact.map(Map.of("a.password", "p", "b", "1"))).containsExactly(Map.entry("a.password", "***"), Map.entry("b", "1"));
    }
}
