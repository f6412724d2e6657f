package io.tripwire.executor.handler;

import io.tripwire.schemas.TripwireAction;

/**
 * Runs one kind of action. Implementations hand the action's {@code actionId} to whatever they call
 * as its idempotency key, because the executor can run an action a second time after a crash (see
 * the module README).
 */
public interface ActionHandler {

    /** Name written in results: {@code command}, {@code http} or {@code log}. */
    String kind();

    /** Whether running it changes anything outside the executor; {@code log} does not. */
    boolean sideEffecting();

    /** What {@link #run} would do, for dry-run results; never runs anything. */
    String describe(TripwireAction action);

    /**
     * Runs the action, with this handler's retries.
     *
     * @throws InterruptedException when the executor is halted; what was started is stopped
     */
    HandlerResult run(TripwireAction action) throws InterruptedException;
}
