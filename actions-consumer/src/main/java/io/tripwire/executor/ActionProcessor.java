package io.tripwire.executor;

import io.tripwire.executor.handler.ActionHandler;
import io.tripwire.executor.handler.HandlerResult;
import io.tripwire.executor.handler.Handlers;
import io.tripwire.executor.ledger.Ledger;
import io.tripwire.executor.ledger.LedgerEntry;
import io.tripwire.executor.result.Outcome;
import io.tripwire.executor.trust.Rejection;
import io.tripwire.executor.trust.TrustCheck;
import io.tripwire.schemas.TripwireAction;

import java.util.Optional;

/**
 * Decides what happens to one decoded action, in this order: refuse it when its signature or type
 * is not trusted; skip it when the ledger says it was executed; describe it in dry-run mode; else
 * run its handler. Knows nothing of Kafka: the executor records what it returns.
 */
public final class ActionProcessor {

    /** What to do with an action. */
    public sealed interface Decision permits Settled, Run {
    }

    /** Nothing to run: the outcome is known. */
    public record Settled(Outcome outcome) implements Decision {
    }

    /** Run this handler. */
    public record Run(ActionHandler handler) implements Decision {
    }

    private final TrustCheck trust;
    private final Handlers handlers;
    private final Ledger ledger;
    private final boolean dryRun;

    public ActionProcessor(TrustCheck trust, Handlers handlers, Ledger ledger, boolean dryRun) {
        this.trust = trust;
        this.handlers = handlers;
        this.ledger = ledger;
        this.dryRun = dryRun;
    }

    /** Decides without running anything. */
    public Decision decide(TripwireAction action) {
        Optional<Rejection> refused = trust.check(action);
        if (refused.isPresent()) {
            Rejection r = refused.get();
            return new Settled(Outcome.rejected(r, r.asException()));
        }
        // the trust check guarantees a handler exists
        ActionHandler handler = handlers.forType(action.getAction()).orElseThrow();
        if (ledger.executed(action.getActionId())) {
            LedgerEntry e = ledger.entry(action.getActionId()).orElseThrow();
            return new Settled(Outcome.duplicate(handler.kind(), "already executed at " + e.at() + " by handler "
                    + e.handler() + " in " + e.attempts() + " attempt(s); not run again"));
        }
        if (dryRun) {
            return new Settled(Outcome.dryRun(handler.kind(), "dry run: " + handler.describe(action)));
        }
        return new Run(handler);
    }

    /** Runs a handler; a handler bug counts as a failed run, not as a crash of the executor. */
    public Outcome run(TripwireAction action, ActionHandler handler) throws InterruptedException {
        HandlerResult r;
        try {
            r = handler.run(action);
        } catch (RuntimeException e) {
            r = new HandlerResult(false, 1, 0, "handler error: " + e, null, null);
        }
        return Outcome.ran(handler.kind(), handler.sideEffecting(), r);
    }
}
