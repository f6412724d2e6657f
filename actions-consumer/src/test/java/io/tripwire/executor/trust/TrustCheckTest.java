package io.tripwire.executor.trust;

import io.tripwire.executor.TestActions;
import io.tripwire.schemas.ActionType;
import io.tripwire.schemas.TripwireAction;
import io.tripwire.signing.Ed25519Keys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class TrustCheckTest {

    private static final EnumSet<ActionType> HANDLED = EnumSet.of(ActionType.ROLLBACK_LAST_STEP, ActionType.ALERT);

    private final TestActions engine = TestActions.withFreshKey();
    private final TestActions stranger = TestActions.withFreshKey();

    @TempDir
    Path dir;

    private TrustCheck trusting(TestActions... keys) throws Exception {
        StringBuilder pem = new StringBuilder();
        for (TestActions k : keys) {
            pem.append(Ed25519Keys.publicPem(k.keys().getPublic()));
        }
        Path file = dir.resolve("keys.pem");
        Files.writeString(file, pem);
        return TrustCheck.fromKeyFiles(List.of(file), HANDLED);
    }

    private static Optional<String> reason(TrustCheck check, TripwireAction a) {
        return check.check(a).map(Rejection::reason);
    }

    @Test
    void acceptsAnActionSignedByTheEngine() throws Exception {
        assertThat(trusting(engine).check(engine.rollback("T", null))).isEmpty();
    }

    @Test
    void rejectsUnsignedAltereredAndForeignlySignedActions() throws Exception {
        TrustCheck check = trusting(engine);
        TripwireAction good = engine.rollback("T", null);

        assertThat(reason(check, TestActions.unsigned("T", ActionType.ROLLBACK_LAST_STEP, null, Map.of()))).contains("unsigned");
        assertThat(reason(check, TripwireAction.newBuilder(good).setTenant("TENANT_OTHER").build())).contains("bad-signature");
        assertThat(reason(check, TripwireAction.newBuilder(good).setParams(Map.of("to", "100")).build())).contains("bad-signature");
        assertThat(reason(check, stranger.rollback("T", null))).contains("bad-signature");
        assertThat(reason(check, TripwireAction.newBuilder(good).setSignature("%%% not base64").build())).contains("malformed-signature");
    }

    @Test
    void duringKeyRotationEitherKeyIsAccepted() throws Exception {
        TrustCheck check = trusting(engine, stranger);

        assertThat(check.check(engine.rollback("T", null))).isEmpty();
        assertThat(check.check(stranger.rollback("T", null))).isEmpty();
    }

    @Test
    void rejectsUnknownAndUnconfiguredActionTypesEvenWhenSigned() throws Exception {
        TrustCheck check = trusting(engine);

        assertThat(reason(check, engine.signed("T", ActionType.UNKNOWN, null, Map.of()))).contains("unknown-action");
        Optional<Rejection> r = check.check(engine.signed("T", ActionType.QUEUE_WRITES, null, Map.of()));
        assertThat(r).map(Rejection::reason).contains("no-handler");
        assertThat(r).map(Rejection::detail).contains("no handler is configured for QUEUE_WRITES");
    }
}
