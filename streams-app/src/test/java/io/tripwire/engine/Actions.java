package io.tripwire.engine;

import io.tripwire.engine.replay.ReplayOutput;
import io.tripwire.schemas.TripwireAction;

import java.util.List;

/** Reading a replay's action records in specification tests. */
public final class Actions {

    private Actions() {
    }

    public static List<TripwireAction> of(ReplayOutput out, String tripwire) {
        return out.actions().stream().filter(a -> a.getTripwire().equals(tripwire)).toList();
    }

    /** "ACTION@firedAt" per record, e.g. {@code ALERT@2025-10-06T10:11:00Z}. */
    public static List<String> timeline(ReplayOutput out, String tripwire) {
        return of(out, tripwire).stream().map(a -> a.getAction() + "@" + a.getFiredAt()).toList();
    }
}
