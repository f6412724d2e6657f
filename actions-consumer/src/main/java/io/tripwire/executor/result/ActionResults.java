package io.tripwire.executor.result;

import io.tripwire.schemas.ActionResult;
import io.tripwire.schemas.TripwireAction;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** Builds the {@link ActionResult} of an outcome. */
public final class ActionResults {

    private ActionResults() {
    }

    /** The result of a decoded action. */
    public static ActionResult of(TripwireAction a, Outcome o, Instant at) {
        return build(a.getActionId(), a.getTenant(), a.getTripwire(), a.getAction().name(), o, at);
    }

    /** The result of a record that could not be decoded: the tenant is the record key, if any. */
    public static ActionResult ofUndecodable(byte[] key, Outcome o, Instant at) {
        String tenant = key == null ? "" : new String(key, StandardCharsets.UTF_8);
        return build("", tenant, "", "", o, at);
    }

    private static ActionResult build(String actionId, String tenant, String tripwire, String action, Outcome o, Instant at) {
        return ActionResult.newBuilder()
                .setActionId(actionId)
                .setTenant(tenant)
                .setTripwire(tripwire)
                .setAction(action)
                .setStatus(o.status())
                .setHandler(o.handler())
                .setAttempts(o.attempts())
                .setDurationMs(o.durationMs())
                .setDetail(o.detail())
                .setExitCode(o.exitCode())
                .setOutputDigest(o.outputDigest())
                .setAt(at)
                .build();
    }
}
