package io.tripwire.signing;

import io.tripwire.json.ActionJson;
import io.tripwire.json.JsonForm;
import io.tripwire.schemas.ActionType;
import io.tripwire.schemas.TripwireAction;
import io.tripwire.testing.SampleRecords;
import io.tripwire.wire.AvroSerdes;
import io.tripwire.wire.MockSchemaRegistry;
import io.tripwire.signing.ActionVerifier.Verdict;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ActionSigningTest {

    private static final KeyPair OLD = Ed25519Keys.generate();
    private static final KeyPair NEW = Ed25519Keys.generate();

    private final ActionSigner signer = new ActionSigner(NEW.getPrivate());
    private final ActionVerifier verifier = new ActionVerifier(List.of(NEW.getPublic()));

    @Test
    void derivesTheSameIdsOnEveryReplay() {
        Instant firedAt = Instant.parse("2025-10-06T11:07:00Z");

        String first = ActionIds.decisionId("error-budget", "TENANT_004", "api", firedAt, null);
        String again = ActionIds.decisionId("error-budget", "TENANT_004", "api", firedAt, null);

        assertThat(first).isEqualTo(again).hasSize(64).matches("[0-9a-f]{64}");
        assertThat(ActionIds.actionId(first, "ROLLBACK_LAST_STEP")).isEqualTo(ActionIds.actionId(again, "ROLLBACK_LAST_STEP"));
    }

    @Test
    void derivesDifferentIdsForDifferentDecisionsAndActions() {
        Instant firedAt = Instant.parse("2025-10-06T11:07:00Z");
        String base = ActionIds.decisionId("residency-violation", "TENANT_005", "TENANT_005", firedAt, "ing-9");

        assertThat(base).isNotEqualTo(ActionIds.decisionId("residency-violation", "TENANT_005", "TENANT_005", firedAt, "ing-10"));
        assertThat(base).isNotEqualTo(ActionIds.decisionId("residency-violation", "TENANT_005", "TENANT_005", firedAt, null));
        assertThat(ActionIds.actionId(base, "ABORT_OP")).isNotEqualTo(ActionIds.actionId(base, "AUDIT_EVENT"));
    }

    @Test
    void derivesTheEvidenceIdFromCanonicalJsonWhateverTheKeyOrderOrNumberType() {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("remaining", 0.5442);
        a.put("bad", 23L);
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("bad", 23.0);
        b.put("remaining", 0.5442);

        assertThat(ActionIds.evidenceId(a)).isEqualTo(ActionIds.evidenceId(b)).isEqualTo(Sha256.hex("{\"bad\":23,\"remaining\":0.5442}"));
    }

    @Test
    void verifiesWhatItSigned() {
        TripwireAction signed = signer.sign(SampleRecords.action());

        assertThat(signed.getSignature()).isNotBlank();
        assertThat(verifier.verify(signed)).isEqualTo(Verdict.VALID);
    }

    @Test
    void refusesATamperedRecord() {
        TripwireAction signed = signer.sign(SampleRecords.action());

        TripwireAction otherTarget = TripwireAction.newBuilder(signed).setParams(Map.of("to", "100")).build();
        TripwireAction otherAction = TripwireAction.newBuilder(signed).setAction(ActionType.FAILOVER_READ_REPLICAS).build();
        TripwireAction otherTenant = TripwireAction.newBuilder(signed).setTenant("TENANT_001").build();

        assertThat(verifier.verify(otherTarget)).isEqualTo(Verdict.BAD_SIGNATURE);
        assertThat(verifier.verify(otherAction)).isEqualTo(Verdict.BAD_SIGNATURE);
        assertThat(verifier.verify(otherTenant)).isEqualTo(Verdict.BAD_SIGNATURE);
    }

    @Test
    void refusesASignatureOfAnotherKey() {
        TripwireAction signedByOld = new ActionSigner(OLD.getPrivate()).sign(SampleRecords.action());

        assertThat(verifier.verify(signedByOld)).isEqualTo(Verdict.BAD_SIGNATURE);
    }

    @Test
    void reportsAnUnsignedOrMalformedSignature() {
        TripwireAction unsigned = SampleRecords.action();
        TripwireAction garbled = TripwireAction.newBuilder(unsigned).setSignature("not base64 !").build();

        assertThat(verifier.verify(unsigned)).isEqualTo(Verdict.UNSIGNED);
        assertThat(verifier.verify(garbled)).isEqualTo(Verdict.MALFORMED_SIGNATURE);
    }

    @Test
    void acceptsBothKeysDuringRotation() {
        ActionVerifier rotating = new ActionVerifier(List.of(OLD.getPublic(), NEW.getPublic()));

        assertThat(rotating.verify(new ActionSigner(OLD.getPrivate()).sign(SampleRecords.action()))).isEqualTo(Verdict.VALID);
        assertThat(rotating.verify(signer.sign(SampleRecords.action()))).isEqualTo(Verdict.VALID);
    }

    @Test
    void readsRotationKeysFromOnePemFile() {
        String pem = Ed25519Keys.publicPem(OLD.getPublic()) + Ed25519Keys.publicPem(NEW.getPublic());

        ActionVerifier rotating = new ActionVerifier(Ed25519Keys.readPublic(pem));

        assertThat(rotating.verify(signer.sign(SampleRecords.action()))).isEqualTo(Verdict.VALID);
    }

    @Test
    void stillVerifiesAfterJsonTextAndBack() {
        TripwireAction signed = signer.sign(SampleRecords.action());

        TripwireAction back = (TripwireAction) JsonForm.parseLine(JsonForm.write(signed), 1);

        assertThat(back).isEqualTo(signed);
        assertThat(verifier.verify(back)).isEqualTo(Verdict.VALID);
    }

    @Test
    void stillVerifiesWithIntegralDoubleEvidenceAfterJson() {
        // 72.0 is written as 72.0 in the JSON line and as 72 in the signed text
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("lagSeconds", 72.0);
        evidence.put("threshold", 60L);
        TripwireAction action = TripwireAction.newBuilder(SampleRecords.action()).setEvidence(evidence)
                .setEvidenceId(ActionIds.evidenceId(evidence)).build();
        TripwireAction signed = signer.sign(action);

        TripwireAction back = (TripwireAction) JsonForm.parseLine(JsonForm.write(signed), 1);

        assertThat(verifier.verify(back)).isEqualTo(Verdict.VALID);
        assertThat(ActionIds.evidenceId(back.getEvidence())).isEqualTo(signed.getEvidenceId());
    }

    @Test
    void stillVerifiesAfterAvroBytesAndBack() {
        // given
        String registry = "signing-test";
        Serde<TripwireAction> serde = AvroSerdes.serde(TripwireAction.class, Map.of("schema.registry.url", "mock://" + registry));
        TripwireAction signed = signer.sign(SampleRecords.action());

        // when
        TripwireAction back = serde.deserializer().deserialize("tripwire-actions", serde.serializer().serialize("tripwire-actions", signed));

        // then
        assertThat(back).isEqualTo(signed);
        assertThat(ActionJson.signedText(back)).isEqualTo(ActionJson.signedText(signed));
        assertThat(verifier.verify(back)).isEqualTo(Verdict.VALID);
        MockSchemaRegistry.drop(registry);
    }

    @Test
    void stillVerifiesAfterAvroWhenFiredAtHadMicroseconds() {
        // Avro keeps milliseconds only; the signed text must not depend on finer digits
        String registry = "signing-micros-test";
        Serde<TripwireAction> serde = AvroSerdes.serde(TripwireAction.class, Map.of("schema.registry.url", "mock://" + registry));
        TripwireAction fine = TripwireAction.newBuilder(SampleRecords.action())
                .setFiredAt(Instant.parse("2025-10-06T11:07:00.123456Z")).build();
        TripwireAction signed = signer.sign(fine);

        TripwireAction back = serde.deserializer().deserialize("tripwire-actions", serde.serializer().serialize("tripwire-actions", signed));

        assertThat(verifier.verify(back)).isEqualTo(Verdict.VALID);
        MockSchemaRegistry.drop(registry);
    }

    @Test
    void signsTheCanonicalTextWithoutTheSignatureField() {
        TripwireAction signed = signer.sign(SampleRecords.action());

        String text = ActionJson.signedText(signed);

        assertThat(text).doesNotContain("signature").startsWith("{\"action\":\"ROLLBACK_LAST_STEP\",\"actionId\":");
        assertThat(text).contains("\"evidence\":{\"bad\":23,\"remaining\":0.5442,\"total\":41200,\"window\":\"24h\"}");
        assertThat(text).contains("\"firedAt\":\"2025-10-06T11:07:00Z\"");
    }
}
