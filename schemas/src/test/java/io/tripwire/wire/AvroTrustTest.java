package io.tripwire.wire;

import io.tripwire.schemas.RequestLatency;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.avro.util.ClassSecurityValidator.ClassSecurityPredicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AvroTrustTest {

    private ClassSecurityPredicate before;

    @BeforeEach
    void startFromAvrosDefault() {
        before = ClassSecurityValidator.getGlobal();
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.DEFAULT);
    }

    @AfterEach
    void restore() {
        ClassSecurityValidator.setGlobal(before);
    }

    @Test
    void avroRefusesOurGeneratedClassesByDefault() {
        // the problem AvroTrust exists for: Avro 1.12.2 trusts almost nothing by default
        assertThatThrownBy(() -> ClassSecurityValidator.validate(RequestLatency.class))
                .isInstanceOf(SecurityException.class)
                .hasMessageContaining("not trusted");
    }

    @Test
    void trustsTheGeneratedPackageAndKeepsAvrosDefaults() {
        // when
        AvroTrust.ensure();

        // then
        assertThat(ClassSecurityValidator.getGlobal().isTrusted(RequestLatency.class)).isTrue();
        assertThat(ClassSecurityValidator.getGlobal().isTrusted(String.class)).isTrue();
        assertThat(ClassSecurityValidator.getGlobal().isTrusted(java.io.File.class)).isFalse();
        assertThat(SpecificData.get().getClass(RequestLatency.getClassSchema())).isEqualTo(RequestLatency.class);
    }

    @Test
    void isIdempotent() {
        // when
        AvroTrust.ensure();
        ClassSecurityPredicate once = ClassSecurityValidator.getGlobal();
        AvroTrust.ensure();

        // then: no second wrapper
        assertThat(ClassSecurityValidator.getGlobal()).isSameAs(once);
    }

    @Test
    void theDeserializerNeedsNoSettingFromItsUser() {
        // given: Avro's default trust, as in a fresh application
        var registry = MockSchemaRegistry.forName("trust-test");
        var serializer = new AvroSerializer<RequestLatency>(registry);
        serializer.configure(java.util.Map.of(), false);
        byte[] bytes = serializer.serialize("request-latency", io.tripwire.testing.SampleRecords.request());

        // when
        var deserializer = new AvroDeserializer<>(RequestLatency.class, registry);
        deserializer.configure(java.util.Map.of(), false);

        // then
        assertThat(deserializer.deserialize("request-latency", bytes)).isEqualTo(io.tripwire.testing.SampleRecords.request());
        MockSchemaRegistry.drop("trust-test");
    }

    @Test
    void aFreshApplicationCanCopyGeneratedRecordsWithoutSettingAnything() throws Exception {
        // given: a new JVM whose first act is RequestLatency.newBuilder(existing), an enum-holding copy
        String javaBin = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), FreshJvmCopy.class.getName())
                .redirectErrorStream(true).start();

        // when
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        int exit = p.waitFor();

        // then
        assertThat(output).contains("copied READ 503");
        assertThat(exit).isZero();
    }
}
