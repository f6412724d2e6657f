package io.tripwire.cli;

import io.tripwire.signing.ActionSigner;
import io.tripwire.signing.Ed25519Keys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;

/** {@code --signing-key FILE}: the Ed25519 private key that signs action records. */
public final class SigningOptions {

    private static final Logger LOG = LoggerFactory.getLogger(SigningOptions.class);

    @Option(names = "--signing-key", paramLabel = "FILE",
            description = "Ed25519 private key (PEM, PKCS#8) that signs actions; make one with 'tripwire keys'. "
                    + "Env: TRIPWIRE_SIGNING_KEY. Default: an ephemeral key (logged as such).")
    Path signingKey;

    /** The signer, and the public key that verifies it (for ephemeral keys, so callers can hand it on). */
    public record Signing(ActionSigner signer, java.security.PublicKey publicKey, boolean ephemeral) {
    }

    public Signing signer() throws IOException {
        Path file = signingKey;
        if (file == null && System.getenv("TRIPWIRE_SIGNING_KEY") != null) {
            file = Path.of(System.getenv("TRIPWIRE_SIGNING_KEY"));
        }
        if (file != null) {
            return new Signing(new ActionSigner(Ed25519Keys.readPrivate(file)), null, false);
        }
        KeyPair pair = Ed25519Keys.generate();
        LOG.warn("no --signing-key given: signing with an EPHEMERAL Ed25519 key; executors must be given its public key, "
                + "and signatures will not verify after a restart. Make a key pair with './tripwire keys --out DIR'.");
        return new Signing(new ActionSigner(pair.getPrivate()), pair.getPublic(), true);
    }
}
