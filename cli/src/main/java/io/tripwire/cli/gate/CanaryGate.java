package io.tripwire.cli.gate;

import io.tripwire.cli.history.CarryIn;
import io.tripwire.engine.replay.ReplayEngine;
import io.tripwire.engine.replay.ReplayInput;
import io.tripwire.engine.rules.Rules;
import io.tripwire.engine.tripwires.CanaryJudgement;
import io.tripwire.engine.tripwires.CanaryStage;
import io.tripwire.engine.tripwires.CanaryState;
import io.tripwire.schemas.TripwireAction;
import io.tripwire.signing.ActionSigner;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The soak question of a canary step ({@code tripwire gate --canary}): over the tenant's events up
 * to {@code at}, replayed through the engine, the verdict of its current stage (SPEC 3, "Canary
 * judgement"): FAIL if a canary key fired, PASS when every canary key with traffic has passed,
 * INCONCLUSIVE otherwise (the soak timer stays the fallback). With each key's e-values, counts,
 * rate ratio and τ. The same events give the same verdict, from files or topics.
 */
public final class CanaryGate {

    /** One canary key of the stage. */
    public record KeyVerdict(String tripwire, String scope, Gate.Verdict verdict, double eWorse, double ePass, double level,
                             long canary, long canaryBad, long baseline, long baselineBad, double rateRatio, double tauMs,
                             Instant firedAt, Instant passedAt) {
    }

    /**
     * @param stage    the current stage, or null when the tenant has no labelled traffic
     * @param split    the stage's traffic-split warning (canary-split), or null
     */
    public record Result(String tenant, Instant at, Gate.Verdict verdict, CanaryStage stage, List<KeyVerdict> keys, String split,
                         CarryIn carry) {
        public int exitCode() {
            return switch (verdict) {
                case PASS -> 0;
                case FAIL -> 1;
                case INCONCLUSIVE -> 3;
            };
        }
    }

    private CanaryGate() {
    }

    /**
     * The verdict at {@code carry.to()}: the tenant's events from {@code carry.replayFrom()} are replayed
     * (a stage that began in the carry-in, or a key firing since before it, is judged as live). A PASS
     * is INCONCLUSIVE where the history could not be read back: a key that fired earlier could be hidden.
     */
    public static Result run(String tenant, CarryIn carry, ReplayInput input, Rules rules, ActionSigner signer) {
        Instant to = carry.to();
        List<ReplayInput.Event> mine = input.events().stream()
                .filter(e -> Gate.tenantOf(e.event()).equals(tenant) && carry.replays(e.ts()))
                .sorted(Comparator.comparing(ReplayInput.Event::ts)).toList();
        CanaryJudgement j;
        List<TripwireAction> actions;
        try (ReplayEngine engine = new ReplayEngine(rules, signer)) {
            mine.forEach(e -> engine.send(e.event(), e.line(), e.source(), e.raw()));
            j = engine.canary(tenant);
            actions = engine.output().actions();
        }
        if (j == null) {
            return new Result(tenant, to, Gate.Verdict.INCONCLUSIVE, null, List.of(), null, carry);
        }
        List<KeyVerdict> keys = new ArrayList<>();
        for (CanaryJudgement.Key k : j.keys()) {
            CanaryState s = k.state();
            Gate.Verdict v = k.fired() ? Gate.Verdict.FAIL : k.passed() ? Gate.Verdict.PASS : Gate.Verdict.INCONCLUSIVE;
            keys.add(new KeyVerdict(k.rule().id(), k.scope(), v, s == null ? 1 : s.eWorse(), s == null ? 1 : s.ePass(), k.rule().level(),
                    s == null ? 0 : s.canary(), s == null ? 0 : s.canaryBad(), s == null ? 0 : s.baseline(), s == null ? 0 : s.baselineBad(),
                    s == null ? Double.NaN : s.rateRatio(), s == null ? Double.NaN : s.lastTauMs(),
                    s != null && s.fired() ? Instant.ofEpochMilli(s.firedAt()) : null,
                    s != null && s.passed() ? Instant.ofEpochMilli(s.passedAt()) : null));
        }
        Gate.Verdict verdict = keys.isEmpty() ? Gate.Verdict.INCONCLUSIVE
                : keys.stream().anyMatch(k -> k.verdict() == Gate.Verdict.FAIL) ? Gate.Verdict.FAIL
                : keys.stream().allMatch(k -> k.verdict() == Gate.Verdict.PASS) && carry.gaps(CarryIn.Hides.HOLDS).isEmpty()
                ? Gate.Verdict.PASS : Gate.Verdict.INCONCLUSIVE;
        String split = actions.stream()
                .filter(a -> a.getTripwire().equals("canary-split") && a.getAction().name().equals("ALERT")
                        && !a.getFiredAt().isBefore(Instant.ofEpochMilli(j.stage().start())))
                .map(TripwireAction::getReason).reduce((a, b) -> b).orElse(null);
        return new Result(tenant, to, verdict, j.stage(), keys, split, carry);
    }

    /** The result for {@code --json}, fields in a fixed order. */
    static Map<String, Object> toMap(Result r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tenant", r.tenant());
        m.put("at", r.at().toString());
        m.put("verdict", r.verdict().name());
        m.put("exitCode", r.exitCode());
        if (r.stage() != null) {
            Map<String, Object> stage = new LinkedHashMap<>();
            stage.put("start", Instant.ofEpochMilli(r.stage().start()).toString());
            stage.put("stepPercent", r.stage().stepPercent() >= 0 ? r.stage().stepPercent() : null);
            stage.put("previousPercent", r.stage().previousPercent() >= 0 ? r.stage().previousPercent() : null);
            stage.put("version", r.stage().version());
            stage.put("region", r.stage().region());
            m.put("stage", stage);
        }
        List<Map<String, Object>> keys = new ArrayList<>();
        for (KeyVerdict k : r.keys()) {
            Map<String, Object> key = new LinkedHashMap<>();
            key.put("tripwire", k.tripwire());
            key.put("scope", k.scope());
            key.put("verdict", k.verdict().name());
            key.put("eWorse", finite(k.eWorse()));
            key.put("ePass", finite(k.ePass()));
            key.put("level", k.level());
            key.put("canaryRequests", k.canary());
            key.put("canaryBad", k.canaryBad());
            key.put("baselineRequests", k.baseline());
            key.put("baselineBad", k.baselineBad());
            key.put("rateRatio", finite(k.rateRatio()));
            key.put("tauMs", finite(k.tauMs()));
            key.put("firedAt", k.firedAt() == null ? null : k.firedAt().toString());
            key.put("passedAt", k.passedAt() == null ? null : k.passedAt().toString());
            keys.add(key);
        }
        m.put("keys", keys);
        m.put("splitWarning", r.split());
        m.put("carriedIn", r.carry().toMap());
        return m;
    }

    /** A number for JSON: null for NaN (n/a), 1e300 for infinity. */
    private static Double finite(double v) {
        if (Double.isNaN(v)) {
            return null;
        }
        return Double.valueOf(Double.isFinite(v) ? v : io.tripwire.engine.tripwires.Significance.MAX_E);
    }

    static void print(java.io.PrintWriter out, Result r) {
        if (r.stage() == null) {
            out.printf("gate --canary %s at %s: INCONCLUSIVE (no canary stage: no request of the tenant carries a cohort, "
                    + "or a version of its rollout step)%n", r.tenant(), r.at());
            r.carry().lines().forEach(l -> out.println("  " + l));
            return;
        }
        CanaryStage s = r.stage();
        out.printf("gate --canary %s at %s: %s%n", r.tenant(), r.at(), r.verdict());
        out.printf("  stage from %s%s%s%n", Instant.ofEpochMilli(s.start()), s.stepPercent() >= 0 ? " at " + s.stepPercent() + "%" : "",
                s.version() != null ? ", version " + s.version() : "");
        if (r.keys().isEmpty()) {
            out.println("  no canary key has closed a minute of labelled traffic yet");
        }
        for (KeyVerdict k : r.keys()) {
            out.printf("  %-13s %-15s %-7s e_worse %s, e_pass %s (need %s); canary %d/%d, baseline %d/%d bad, rate ratio %s%s%s%n",
                    k.verdict(), k.tripwire(), k.scope(), e(k.eWorse()), e(k.ePass()), e(k.level()), k.canaryBad(), k.canary(),
                    k.baselineBad(), k.baseline(), Double.isFinite(k.rateRatio()) ? String.format(java.util.Locale.ROOT, "%.3g", k.rateRatio()) : "n/a",
                    Double.isNaN(k.tauMs()) ? "" : String.format(java.util.Locale.ROOT, ", tau %.1f ms", k.tauMs()),
                    k.firedAt() != null ? ", fired " + k.firedAt() : k.passedAt() != null ? ", passed " + k.passedAt() : "");
        }
        if (r.split() != null) {
            out.println("  note: " + r.split());
        }
        r.carry().lines().forEach(l -> out.println("  " + l));
        out.println("  rule: FAIL if a canary key fired; PASS when every canary key with traffic has passed (and the history before "
                + "the window could be read); INCONCLUSIVE otherwise (let the soak timer decide)");
    }

    private static String e(double v) {
        return io.tripwire.engine.tripwires.Significance.Test.eText(Math.min(v, io.tripwire.engine.tripwires.Significance.MAX_E));
    }
}
