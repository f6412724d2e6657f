package io.tripwire.engine.oracle;

import io.tripwire.engine.Engines;
import io.tripwire.engine.replay.ReplayEngine;
import io.tripwire.engine.replay.ReplayOutput;
import io.tripwire.schemas.TripwireAction;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Drives the real engine (through its public replay API) one event at a time in delivery order,
 * tagging each action record with the index of the input event whose processing emitted it.
 */
final class EngineRun {

    record Result(List<SpecOracle.Firing> firings, List<SpecOracle.Dead> deadLetters, List<TripwireAction> raw,
                  List<ReplayOutput.DeadLetter> rawDead) {
    }

    private EngineRun() {
    }

    static Result run(OracleConfig c, List<SpecOracle.Input> inputs) {
        List<SpecOracle.Firing> firings = new ArrayList<>();
        List<SpecOracle.Dead> dead = new ArrayList<>();
        try (ReplayEngine engine = Engines.engine(c.engineSets())) {
            int seen = 0;
            for (int i = 0; i < inputs.size(); i++) {
                SpecOracle.Input in = inputs.get(i);
                engine.send(in.event(), in.line(), null);
                List<TripwireAction> actions = engine.output().actions();
                List<SpecOracle.Firing> now = new ArrayList<>();
                for (TripwireAction a : actions.subList(seen, actions.size())) {
                    now.add(toFiring(i, a));
                }
                seen = actions.size();
                now.sort(SpecOracle.canonical());
                firings.addAll(now);
            }
            ReplayOutput out = engine.output();
            out.deadLetters().forEach(d -> dead.add(new SpecOracle.Dead(d.line(), d.reason())));
            return new Result(firings, dead, out.actions(), out.deadLetters());
        }
    }

    static SpecOracle.Firing toFiring(int index, TripwireAction a) {
        Map<String, String> params = new HashMap<>();
        if (a.getParams() != null) {
            a.getParams().forEach((k, v) -> params.put(k.toString(), v == null ? null : v.toString()));
        }
        return new SpecOracle.Firing(index, a.getFiredAt(), a.getTenant().toString(), a.getTripwire().toString(),
                a.getScope().toString(), a.getAction().toString(), params);
    }
}
