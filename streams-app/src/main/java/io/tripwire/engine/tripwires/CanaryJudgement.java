package io.tripwire.engine.tripwires;

import io.tripwire.engine.rules.Rules;
import io.tripwire.engine.rules.TripwireRule;
import io.tripwire.engine.signals.StoreKeys;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.ArrayList;
import java.util.List;

/**
 * A tenant's canary judgement at one moment (SPEC 3, "Canary judgement"): its current stage and,
 * for every canary key with traffic in it, the evidence so far. What {@code tripwire gate --canary}
 * answers the soak question from.
 *
 * @param keys the canary-errors and canary-latency keys of the stage, in the order their traffic began
 */
public record CanaryJudgement(String tenant, CanaryStage stage, List<Key> keys) {

    /**
     * One key: its tripwire's rule, scope (service or op) and evidence; {@code state} is null while
     * none of its buckets has closed yet.
     */
    public record Key(CanaryTripwire.Rule rule, String scope, CanaryState state) {

        public boolean fired() {
            return state != null && state.fired();
        }

        public boolean passed() {
            return state != null && state.passed();
        }
    }

    /** Reads the judgement from the engine's stores; null when the tenant has no canary stage. */
    public static CanaryJudgement of(String tenant, Rules rules, KeyValueStore<String, io.tripwire.engine.signals.CanaryTenant> tenants,
                                     KeyValueStore<String, CanaryState> states) {
        io.tripwire.engine.signals.CanaryTenant t = tenants.get(tenant);
        if (t == null) {
            return null;
        }
        CanaryStage stage = t.stage();
        List<Key> keys = new ArrayList<>();
        for (String key : stage.keys()) {
            CanaryBucket.Kind kind = CanaryBucket.Kind.valueOf(key.substring(0, key.indexOf(StoreKeys.SEP)));
            String scope = key.substring(key.indexOf(StoreKeys.SEP) + 1);
            for (TripwireRule r : rules.tripwires()) {
                if (r instanceof CanaryTripwire.Rule c && c.compare() == kind) {
                    CanaryState s = states.get(StoreKeys.of(c.id(), tenant, scope));
                    keys.add(new Key(c, scope, s != null && s.stageStart() == stage.start() ? s : null));
                }
            }
        }
        return new CanaryJudgement(tenant, stage, List.copyOf(keys));
    }
}
