package io.tripwire.executor.trust;

import io.tripwire.schemas.ActionType;
import io.tripwire.schemas.TripwireAction;
import io.tripwire.signing.ActionVerifier;
import io.tripwire.signing.Ed25519Keys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether a decoded action may run at all: its Ed25519 signature verifies with one of the
 * accepted keys, and its type is known and has a handler. Checked before the ledger, so a forged
 * record is reported as rejected even when it copies the id of an executed action, and never enters
 * the ledger.
 */
public final class TrustCheck {

    private final ActionVerifier verifier;
    private final Set<ActionType> handled;

    public TrustCheck(ActionVerifier verifier, Set<ActionType> handled) {
        this.verifier = verifier;
        this.handled = handled.isEmpty() ? EnumSet.noneOf(ActionType.class) : EnumSet.copyOf(handled);
    }

    /** A check accepting every key in {@code pemFiles} (a file may hold several: key rotation). */
    public static TrustCheck fromKeyFiles(List<Path> pemFiles, Set<ActionType> handled) {
        List<PublicKey> keys = new ArrayList<>();
        for (Path p : pemFiles) {
            try {
                keys.addAll(Ed25519Keys.readPublic(p));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read public key file " + p, e);
            }
        }
        return new TrustCheck(new ActionVerifier(keys), handled);
    }

    /** Empty when the action may run; else why not. */
    public Optional<Rejection> check(TripwireAction action) {
        ActionVerifier.Verdict verdict = verifier.verify(action);
        switch (verdict) {
            case VALID -> {
            }
            case UNSIGNED -> {
                return Optional.of(new Rejection("unsigned", "the action record carries no signature"));
            }
            case MALFORMED_SIGNATURE -> {
                return Optional.of(new Rejection("malformed-signature", "the signature is not valid base64"));
            }
            default -> {
                return Optional.of(new Rejection("bad-signature",
                        "the signature does not verify with any accepted public key (forged, altered, or signed with an unknown key)"));
            }
        }
        if (action.getAction() == ActionType.UNKNOWN) {
            return Optional.of(new Rejection("unknown-action", "the action type is not one this executor knows"));
        }
        if (!handled.contains(action.getAction())) {
            return Optional.of(new Rejection("no-handler", "no handler is configured for " + action.getAction()));
        }
        return Optional.empty();
    }
}
