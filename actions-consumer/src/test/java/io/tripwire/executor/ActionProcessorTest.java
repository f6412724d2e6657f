package io.tripwire.executor;

import io.tripwire.executor.handler.ActionHandler;
import io.tripwire.executor.handler.HandlerResult;
import io.tripwire.executor.handler.Handlers;
import io.tripwire.executor.ledger.Ledger;
import io.tripwire.executor.ledger.LedgerEntry;
import io.tripwire.executor.result.Outcome;
import io.tripwire.executor.trust.TrustCheck;
import io.tripwire.schemas.ActionType;
import io.tripwire.schemas.ResultStatus;
import io.tripwire.schemas.TripwireAction;
import io.tripwire.signing.ActionVerifier;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ActionProcessorTest {

    private final TestActions engine = TestActions.withFreshKey();
    private final Ledger ledger = new Ledger();
    private final List<String> ran = new ArrayList<>();

    private final ActionHandler recording = new ActionHandler() {
        @Override
        public String kind() {
            return "command";
        }

        @Override
        public boolean sideEffecting() {
            return true;
        }

        @Override
        public String describe(TripwireAction a) {
            return "would run rollback for " + a.getTenant();
        }

        @Override
        public HandlerResult run(TripwireAction a) {
            ran.add(a.getActionId());
            if (a.getTenant().equals("BROKEN")) {
                throw new IllegalStateException("bug in handler");
            }
            return new HandlerResult(true, 1, 3, "exit 0", 0, "d");
        }
    };

    private ActionProcessor processor(boolean dryRun) {
        TrustCheck trust = new TrustCheck(new ActionVerifier(List.of(engine.keys().getPublic())), EnumSet.of(ActionType.ROLLBACK_LAST_STEP));
        return new ActionProcessor(trust, new Handlers(Map.of(ActionType.ROLLBACK_LAST_STEP, recording)), ledger, dryRun);
    }

    private Outcome process(ActionProcessor p, TripwireAction a) throws InterruptedException {
        ActionProcessor.Decision d = p.decide(a);
        return d instanceof ActionProcessor.Settled s ? s.outcome() : p.run(a, ((ActionProcessor.Run) d).handler());
    }

    @Test
    void runsATrustedNewAction() throws Exception {
        Outcome o = process(processor(false), engine.rollback("T", null));

        assertThat(o.status()).isEqualTo(ResultStatus.EXECUTED);
        assertThat(o.ranSideEffect()).isTrue();
        assertThat(o.ledgered()).isTrue();
        assertThat(ran).hasSize(1);
    }

    @Test
    void anActionTheLedgerHasExecutedIsADuplicateAndDoesNotRun() throws Exception {
        TripwireAction a = engine.rollback("T", null);
        ledger.apply(a.getActionId().getBytes(), new LedgerEntry("EXECUTED", Instant.parse("2025-10-06T11:07:02Z"), 1, "command").toBytes());

        Outcome o = process(processor(false), a);

        assertThat(o.status()).isEqualTo(ResultStatus.DUPLICATE);
        assertThat(o.detail()).startsWith("already executed at 2025-10-06T11:07:02Z");
        assertThat(o.ledgered()).isFalse();
        assertThat(o.deadLettered()).isFalse();
        assertThat(ran).isEmpty();
    }

    @Test
    void aForgedCopyOfAnExecutedActionIsRejectedNotDuplicate() throws Exception {
        TripwireAction a = engine.rollback("T", null);
        ledger.apply(a.getActionId().getBytes(), new LedgerEntry("EXECUTED", Instant.now(), 1, "command").toBytes());

        Outcome o = process(processor(false), TripwireAction.newBuilder(a).setParams(Map.of("to", "0")).build());

        assertThat(o.status()).isEqualTo(ResultStatus.REJECTED);
        assertThat(o.deadLetterReason()).isEqualTo("bad-signature");
        assertThat(o.ledgered()).isFalse();
    }

    @Test
    void dryRunDescribesWithoutRunningAndIsNotLedgered() throws Exception {
        Outcome o = process(processor(true), engine.rollback("T", null));

        assertThat(o.status()).isEqualTo(ResultStatus.DRY_RUN);
        assertThat(o.detail()).isEqualTo("dry run: would run rollback for T");
        assertThat(o.ledgered()).isFalse();
        assertThat(ran).isEmpty();
    }

    @Test
    void aHandlerBugIsAFailedRunThatIsDeadLettered() throws Exception {
        Outcome o = process(processor(false), engine.rollback("BROKEN", null));

        assertThat(o.status()).isEqualTo(ResultStatus.FAILED);
        assertThat(o.detail()).contains("bug in handler");
        assertThat(o.deadLetterReason()).isEqualTo("handler-failed");
        assertThat(o.ledgered()).isTrue();
    }
}
