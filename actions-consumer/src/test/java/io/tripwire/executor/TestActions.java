package io.tripwire.executor;

import io.tripwire.schemas.ActionType;
import io.tripwire.schemas.TripwireAction;
import io.tripwire.signing.ActionIds;
import io.tripwire.signing.ActionSigner;
import io.tripwire.signing.Ed25519Keys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** Action records as the engine writes them, signed with a test key. */
public final class TestActions {

    public static final Instant FIRED_AT = Instant.parse("2025-10-06T11:07:00Z");

    private final KeyPair keys;

    public TestActions(KeyPair keys) {
        this.keys = keys;
    }

    public static TestActions withFreshKey() {
        return new TestActions(Ed25519Keys.generate());
    }

    public KeyPair keys() {
        return keys;
    }

    /** Writes the public key PEM to {@code dir/public.pem}. */
    public Path writePublicKey(Path dir) {
        try {
            Files.createDirectories(dir);
            Path p = dir.resolve("public.pem");
            Files.writeString(p, Ed25519Keys.publicPem(keys.getPublic()));
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An unsigned action; {@code trigger} makes its ids unique. */
    public static TripwireAction unsigned(String tenant, ActionType type, String trigger, Map<String, String> params) {
        String decisionId = ActionIds.decisionId("error-budget", tenant, "api", FIRED_AT, trigger);
        Map<String, Object> evidence = new HashMap<>(Map.of("remaining", 0.5442, "bad", 23L, "total", 41200L, "window", "24h"));
        return TripwireAction.newBuilder()
                .setActionId(ActionIds.actionId(decisionId, type.name()))
                .setDecisionId(decisionId)
                .setTripwire("error-budget")
                .setTenant(tenant)
                .setScope("api")
                .setAction(type)
                .setFiredAt(FIRED_AT)
                .setParams(new HashMap<>(params))
                .setReason("error budget remaining 0.54 < 0.60 over 24h (bad 23 / total 41200)")
                .setEvidence(evidence)
                .setEvidenceId(ActionIds.evidenceId(evidence))
                .setSignature(null)
                .build();
    }

    /** A signed action. */
    public TripwireAction signed(String tenant, ActionType type, String trigger, Map<String, String> params) {
        return new ActionSigner(keys.getPrivate()).sign(unsigned(tenant, type, trigger, params));
    }

    /** A signed ROLLBACK_LAST_STEP to 10 %. */
    public TripwireAction rollback(String tenant, String trigger) {
        return signed(tenant, ActionType.ROLLBACK_LAST_STEP, trigger, Map.of("to", "10"));
    }
}
