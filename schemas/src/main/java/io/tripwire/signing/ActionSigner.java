package io.tripwire.signing;

import io.tripwire.json.ActionJson;
import io.tripwire.schemas.TripwireAction;
import io.tripwire.wire.AvroTrust;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Base64;

/** Signs action records: Ed25519 over the canonical JSON of the record without {@code signature}. */
public final class ActionSigner {

    static {
        // copying a generated record (newBuilder(other)) makes Avro check class trust: see AvroTrust
        AvroTrust.ensure();
    }

    private final PrivateKey key;

    /** Signs with {@code key}, an Ed25519 private key (see {@link Ed25519Keys#readPrivate}). */
    public ActionSigner(PrivateKey key) {
        this.key = key;
    }

    /** Returns a copy of {@code action} carrying its signature. */
    public TripwireAction sign(TripwireAction action) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key);
            s.update(ActionJson.signedText(action).getBytes(StandardCharsets.UTF_8));
            return TripwireAction.newBuilder(action)
                    .setSignature(Base64.getEncoder().encodeToString(s.sign()))
                    .build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }
}
