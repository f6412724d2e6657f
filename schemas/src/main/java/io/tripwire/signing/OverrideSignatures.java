package io.tripwire.signing;

import io.tripwire.json.CanonicalJson;
import io.tripwire.json.JsonForm;
import io.tripwire.schemas.HumanOverride;
import io.tripwire.wire.AvroTrust;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.Map;

/**
 * Signatures of human overrides (SPEC 3, "Human approvals"): Ed25519 over the canonical JSON of the
 * override's JSON form (SPEC 2: {@code type}, the fields that are set, instants as ISO-8601, keys
 * sorted) without {@code signature}. The same override signs to the same text whether it travels as
 * Avro or as JSON.
 */
public final class OverrideSignatures {

    static {
        AvroTrust.ensure();
    }

    private OverrideSignatures() {
    }

    /** The text an override's signature covers. */
    public static String signedText(HumanOverride o) {
        Map<String, Object> m = JsonForm.map(o);
        m.remove("signature");
        return CanonicalJson.write(m);
    }

    /** A copy of {@code o} signed with {@code key} (its {@code keyId} and {@code notAfter} as given). */
    public static HumanOverride sign(HumanOverride o, PrivateKey key) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key);
            s.update(signedText(o).getBytes(StandardCharsets.UTF_8));
            return HumanOverride.newBuilder(o).setSignature(Base64.getEncoder().encodeToString(s.sign())).build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    /** Whether {@code o}'s signature verifies with {@code key}; false for a missing or malformed one. */
    public static boolean verifies(HumanOverride o, PublicKey key) {
        if (o.getSignature() == null) {
            return false;
        }
        try {
            byte[] signature = Base64.getDecoder().decode(o.getSignature());
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(signedText(o).getBytes(StandardCharsets.UTF_8));
            return s.verify(signature);
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            return false;
        }
    }

    /** A key's id when the rules give none: the first 16 hex digits of the SHA-256 of its X.509 encoding. */
    public static String fingerprint(PublicKey key) {
        return Sha256.hex(key.getEncoded()).substring(0, 16);
    }
}
