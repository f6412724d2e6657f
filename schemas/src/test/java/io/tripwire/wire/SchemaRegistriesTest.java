package io.tripwire.wire;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SchemaRegistriesTest {

    @Test
    void sharesOneMockRegistryPerName() {
        SchemaRegistry a = SchemaRegistries.fromConfig(Map.of("schema.registry.url", "mock://shared"));
        SchemaRegistry b = SchemaRegistries.fromConfig(Map.of("schema.registry.url", "mock://shared"));
        SchemaRegistry c = SchemaRegistries.fromConfig(Map.of("schema.registry.url", "mock://other"));

        assertThat(a).isSameAs(b).isSameAs(MockSchemaRegistry.forName("shared")).isNotSameAs(c);
        assertThat(a.location()).isEqualTo("mock://shared");
        MockSchemaRegistry.drop("shared");
        MockSchemaRegistry.drop("other");
    }

    @Test
    void forgetsADroppedMockRegistry() {
        MockSchemaRegistry before = MockSchemaRegistry.forName("dropped");
        before.register("s-value", io.tripwire.schemas.RequestLatency.getClassSchema());

        MockSchemaRegistry.drop("dropped");

        assertThat(MockSchemaRegistry.forName("dropped")).isNotSameAs(before);
        assertThatThrownBy(() -> MockSchemaRegistry.forName("dropped").byId(1))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.notFound()).isTrue());
        MockSchemaRegistry.drop("dropped");
    }

    @Test
    void givesTheSameIdToTheSameSchemaUnderTwoSubjects() {
        MockSchemaRegistry r = MockSchemaRegistry.forName("two-subjects");

        int a = r.register("a-value", io.tripwire.schemas.RequestLatency.getClassSchema());
        int b = r.register("b-value", io.tripwire.schemas.RequestLatency.getClassSchema());

        assertThat(a).isEqualTo(b);
        assertThat(r.latest("b-value").version()).isEqualTo(1);
        MockSchemaRegistry.drop("two-subjects");
    }

    @Test
    void picksAnHttpRegistryForHttpUrls() {
        SchemaRegistry r = SchemaRegistries.fromConfig(Map.of("schema.registry.url", "https://sr.example.org:8081, http://sr2:8081"));

        assertThat(r).isInstanceOf(HttpSchemaRegistry.class);
        assertThat(r.location()).isEqualTo("https://sr.example.org:8081,http://sr2:8081");
    }

    @Test
    void refusesAMissingUrlClearly() {
        assertThatThrownBy(() -> SchemaRegistries.fromConfig(Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'schema.registry.url' is not set");
    }

    @Test
    void refusesAnUnknownScheme() {
        assertThatThrownBy(() -> SchemaRegistries.fromConfig(Map.of("schema.registry.url", "ftp://x")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("schema.registry.url");
    }

    @Test
    void refusesAMockUrlWithoutName() {
        assertThatThrownBy(() -> SchemaRegistries.fromConfig(Map.of("schema.registry.url", "mock://")))
                .isInstanceOf(ConfigException.class);
    }

    @Test
    void refusesAnUnsupportedCredentialsSource() {
        assertThatThrownBy(() -> SchemaRegistries.fromConfig(Map.of("schema.registry.url", "http://x:1",
                "basic.auth.credentials.source", "SASL_INHERIT")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("USER_INFO");
    }

    @Test
    void neverShowsCredentialsOfABadUrl() {
        assertThatThrownBy(() -> SchemaRegistries.fromConfig(Map.of("schema.registry.url", "ftp://user:pw@host")))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("pw"));
    }
}
