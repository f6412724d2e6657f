package io.tripwire.signing;

import io.tripwire.json.ActionJson;
import io.tripwire.schemas.TripwireAction;
import io.tripwire.wire.AvroTrust;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.List;

/**
 * Verifies action signatures against a list of accepted public keys (more than one during key
 * rotation). A record verifies when any accepted key verifies it.
 */
public final class ActionVerifier {

    static {
        // copying a generated record (newBuilder(other)) makes Avro check class trust: see AvroTrust
        AvroTrust.ensure();
    }

    /** Outcome of a verification. */
    public enum Verdict {
        /** An accepted key verifies the signature. */
        VALID,
        /** The record has no signature. */
        UNSIGNED,
        /** The signature is not base64. */
        MALFORMED_SIGNATURE,
        /** No accepted key verifies it: the record was changed or signed by an unknown key. */
        BAD_SIGNATURE
    }

    private final List<PublicKey> accepted;

    /** Accepts signatures of any of {@code accepted} (Ed25519 public keys; more than one while rotating). */
    public ActionVerifier(List<PublicKey> accepted) {
        if (accepted.isEmpty()) {
            throw new IllegalArgumentException("at least one accepted public key is needed");
        }
        this.accepted = List.copyOf(accepted);
    }

    /** Checks the record's signature. */
    public Verdict verify(TripwireAction action) {
        String sig = action.getSignature();
        if (sig == null || sig.isBlank()) {
            return Verdict.UNSIGNED;
        }
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(sig);
        } catch (IllegalArgumentException e) {
            return Verdict.MALFORMED_SIGNATURE;
        }
        byte[] text = ActionJson.signedText(action).getBytes(StandardCharsets.UTF_8);
        for (PublicKey key : accepted) {
            try {
                Signature s = Signature.getInstance("Ed25519");
                s.initVerify(key);
                s.update(text);
                if (s.verify(signature)) {
                    return Verdict.VALID;
                }
            } catch (GeneralSecurityException e) {
                // a malformed signature for this key: try the next one
            }
        }
        return Verdict.BAD_SIGNATURE;
    }
}
