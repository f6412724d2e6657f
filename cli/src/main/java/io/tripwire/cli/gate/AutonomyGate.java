package io.tripwire.cli.gate;

import io.tripwire.cli.history.CarryIn;
import io.tripwire.engine.pilot.PilotReview;
import io.tripwire.engine.replay.ReplayEngine;
import io.tripwire.engine.replay.ReplayInput;
import io.tripwire.engine.rules.Rules;
import io.tripwire.engine.tripwires.AutonomyRatioTripwire;
import io.tripwire.engine.tripwires.Significance;
import io.tripwire.schemas.TripwireAction;
import io.tripwire.signing.ActionSigner;
import org.apache.avro.specific.SpecificRecord;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The autonomy pilot's gate ({@code tripwire gate --autonomy}, issue 24): over one tenant's events in
 * {@code [from, to)}, replayed through the engine, the loop's figures from {@link PilotReview}: the
 * simulation delta, the autonomy rate and the compensation rate, each PASS when significantly on the
 * good side of its rule's threshold, FAIL when significantly on the bad side, INCONCLUSIVE otherwise,
 * n/a without decided ops of its mode; then HITL overrides, approvals to enact and refusals, and the
 * loop's tripwires that fired. The verdict: FAIL if a check FAILs, PASS if every check with ops
 * PASSes, INCONCLUSIVE otherwise (also when every check is n/a).
 *
 * <p>The replay starts before {@code from} ({@link CarryIn}: the rules' longest reach, at least one
 * autonomy window, and earlier for an approval still in force or a hold still open then): the engine
 * judges an approval on the simulation of the 24h before it, so a window that starts an hour before
 * an approval would otherwise refuse it where the engine honoured it, and fire tripwires the engine
 * never fired. Only what happened in {@code [from, to)} is counted and listed (and an approval still
 * in force at {@code from}). The same events give the same result, from files or topics.
 */
public final class AutonomyGate {

    /** What {@code --check} can ask for; {@code enact} is autonomy and compensation, {@code all} all three. */
    public enum Check {
        SIMULATION, AUTONOMY, COMPENSATION;

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** "simulation,enact" -> {SIMULATION, AUTONOMY, COMPENSATION}; an unknown name is an IllegalArgumentException naming it. */
        public static Set<Check> parse(List<String> names) {
            Set<Check> out = EnumSet.noneOf(Check.class);
            for (String n : names) {
                switch (n.trim().toLowerCase(Locale.ROOT)) {
                    case "all" -> out.addAll(EnumSet.allOf(Check.class));
                    case "enact" -> out.addAll(EnumSet.of(AUTONOMY, COMPENSATION));
                    case "simulation" -> out.add(SIMULATION);
                    case "autonomy" -> out.add(AUTONOMY);
                    case "compensation" -> out.add(COMPENSATION);
                    default -> throw new IllegalArgumentException("--check: '" + n.trim()
                            + "' is not a check; use simulation, autonomy, compensation, enact (autonomy and compensation) or all");
                }
            }
            return out.isEmpty() ? EnumSet.allOf(Check.class) : out;
        }
    }

    /** One check's row: the ratio behind it, its verdict, figure and rule text. */
    public record Row(Check check, PilotReview.Ratio ratio, String figure, String rule) {
        public PilotReview.Verdict verdict() {
            return ratio.verdict();
        }
    }

    /**
     * @param carry  what was carried in from before the window (where the replay began, and why)
     * @param review the whole review of the window (every ratio, HITL, approvals, refusals, loop tripwires)
     */
    public record Result(String tenant, Instant from, Instant to, CarryIn carry, Set<Check> checks, Gate.Verdict verdict,
                         List<Row> rows, PilotReview review) {
        public Instant replayedFrom() {
            return carry.replayFrom();
        }

        /** Exit code for scripts: 0 PASS, 1 FAIL, 3 INCONCLUSIVE. */
        public int exitCode() {
            return switch (verdict) {
                case PASS -> 0;
                case FAIL -> 1;
                case INCONCLUSIVE -> 3;
            };
        }
    }

    private AutonomyGate() {
    }

    /** The longest window of the rules' autonomy ratios (24h shipped): the default window. */
    public static Duration autonomyWindow(Rules rules) {
        return rules.tripwires().stream().filter(t -> t instanceof AutonomyRatioTripwire.Rule)
                .map(t -> ((AutonomyRatioTripwire.Rule) t).window()).max(Comparator.naturalOrder()).orElse(Duration.ofHours(24));
    }

    /** Runs the gate on {@code input} (any tenants; {@code tenant}'s events in {@code [carry.replayFrom(), to)} are replayed). */
    public static Result run(String tenant, CarryIn carry, Set<Check> checks, ReplayInput input, Rules rules, ActionSigner signer) {
        Instant from = carry.from();
        Instant to = carry.to();
        List<ReplayInput.Event> mine = input.events().stream()
                .filter(e -> Gate.tenantOf(e.event()).equals(tenant) && carry.replays(e.ts()))
                .sorted(Comparator.comparing(ReplayInput.Event::ts)).toList();
        List<TripwireAction> actions;
        try (ReplayEngine engine = new ReplayEngine(rules, signer)) {
            mine.forEach(e -> engine.send(e.event(), e.line(), e.source(), e.raw()));
            actions = engine.output().actions();
        }
        List<SpecificRecord> events = mine.stream().map(ReplayInput.Event::event).toList();
        PilotReview review = PilotReview.of(tenant, from, to, events, actions, rules);
        List<Row> rows = new ArrayList<>();
        if (checks.contains(Check.SIMULATION)) {
            rows.add(row(Check.SIMULATION, review.simulationDelta(), "compensated", "proposals that production did otherwise"));
        }
        if (checks.contains(Check.AUTONOMY)) {
            rows.add(row(Check.AUTONOMY, review.autonomyRate(), "autonomous", "ops done with no human"));
        }
        if (checks.contains(Check.COMPENSATION)) {
            rows.add(row(Check.COMPENSATION, review.compensationRate(), "compensated", "ops undone"));
        }
        Gate.Verdict v = rows.stream().anyMatch(r -> r.verdict() == PilotReview.Verdict.FAIL) ? Gate.Verdict.FAIL
                : rows.stream().anyMatch(r -> r.verdict() != PilotReview.Verdict.NA)
                        && rows.stream().allMatch(r -> r.verdict() == PilotReview.Verdict.PASS || r.verdict() == PilotReview.Verdict.NA)
                ? Gate.Verdict.PASS : Gate.Verdict.INCONCLUSIVE;
        return new Result(tenant, from, to, carry, checks, v, rows, review);
    }

    private static Row row(Check check, PilotReview.Ratio r, String counted, String meaning) {
        String mode = r.mode().name();
        String good = r.goodBelow() ? "below" : "above";
        String bad = r.goodBelow() ? "above" : "below";
        Significance g = r.guard();
        String rule = String.format(Locale.ROOT, "%s %s %s: PASS when %s / decided %s ops (%s) is %s %s and its e-value for \"%s\" "
                        + "reaches %s, FAIL when it is %s and the e-value for \"%s\" does, on at least %d decided ops (%s: beta-binomial "
                        + "mixture, prior strength %s, %s confidence); n/a without decided %s ops",
                r.name(), r.goodBelow() ? "<" : ">=", pct(r.threshold()), counted.toUpperCase(Locale.ROOT), mode, meaning, good, num(r.threshold()),
                good, num(r.level()), bad, bad, r.minEvents(), r.ruleId() == null ? "no such rule: the defaults" : "rule " + r.ruleId(),
                num(g.priorStrength()), pct(g.confidence()), mode);
        if (r.verdict() == PilotReview.Verdict.NA) {
            return new Row(check, r, "no decided " + mode + " ops in the window", rule);
        }
        String figure = String.format(Locale.ROOT, "%,d of %,d decided %s ops %s (%s); e(below) %s, e(above) %s; needs %s%s", r.k(), r.n(),
                mode, counted, pct(r.share()), eText(r.eBelow()), eText(r.eAbove()), num(r.level()),
                r.n() < r.minEvents() ? "; fewer than " + r.minEvents() + " ops: too few to decide" : "");
        return new Row(check, r, figure, rule);
    }

    /** The result for {@code --json}, fields in a fixed order. */
    static Map<String, Object> toMap(Result r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tenant", r.tenant());
        m.put("from", r.from().toString());
        m.put("to", r.to().toString());
        m.put("replayedFrom", r.replayedFrom().toString());
        m.put("checked", r.checks().stream().map(Check::key).toList());
        m.put("verdict", r.verdict().name());
        m.put("exitCode", r.exitCode());
        List<Map<String, Object>> checks = new ArrayList<>();
        for (Row row : r.rows()) {
            PilotReview.Ratio x = row.ratio();
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("check", x.name());
            c.put("verdict", x.verdict().name());
            c.put("figure", row.figure());
            c.put("rule", row.rule());
            c.put("figures", x.figures());
            checks.add(c);
        }
        m.put("checks", checks);
        PilotReview p = r.review();
        Map<String, Object> hitl = new LinkedHashMap<>();
        hitl.put("overrides", p.hitlDecisions());
        hitl.put("decidedEnactOps", p.autonomyRate().n());
        m.put("hitl", hitl);
        m.put("approvals", p.approvals().stream().map(PilotReview.Approval::toMap).toList());
        m.put("refusals", p.refusals().stream().map(PilotReview.Refusal::toMap).toList());
        m.put("loopTripwiresFired", new java.util.TreeMap<>(p.loopActions()));
        m.put("carriedIn", r.carry().toMap());
        return m;
    }

    static void print(PrintWriter out, Result r) {
        out.printf("gate --autonomy %s over %s .. %s: %s%n", r.tenant(), r.from(), r.to(), r.verdict());
        for (Row row : r.rows()) {
            String v = row.verdict() == PilotReview.Verdict.NA ? "n/a" : row.verdict().name();
            out.printf("  %-13s %-24s %s%n", v, row.ratio().name(), row.figure());
            out.printf("  %-13s %-24s rule: %s%n", "", "", row.rule());
        }
        PilotReview p = r.review();
        long decided = p.autonomyRate().n();
        out.printf("  hitl overrides: %,d%s%n", p.hitlDecisions(), decided == 0 ? " (no decided ENACT ops)"
                : String.format(Locale.ROOT, " of %,d decided ENACT ops done by a human (%s)", decided, pct((double) p.hitlDecisions() / decided)));
        if (p.approvals().isEmpty()) {
            out.println("  approvals to enact: none honoured in the window");
        }
        for (PilotReview.Approval a : p.approvals()) {
            out.printf("  approval %s by %s (key %s%s) at %s: %s%n", a.token(), a.by(), a.keyId(),
                    a.approver() == null ? ", not in the rules' approvers" : a.approver().equals(a.by()) ? "" : ", approver " + a.approver(),
                    a.at(), a.inForce() ? "in force" : a.endedAt() != null ? "ended " + a.endedAt() + " by " + a.endedBy()
                            : "replaced at " + a.replacedAt());
        }
        for (PilotReview.Refusal x : p.refusals()) {
            out.printf("  refused %s by %s at %s: %s%n", x.token(), x.by(), x.at(), x.why());
        }
        List<String> fired = new ArrayList<>();
        new java.util.TreeMap<>(p.loopActions()).forEach((k, n) -> fired.add(k + " ×" + n));
        out.printf("  loop tripwires fired: %s%n", fired.isEmpty() ? "none" : String.join(", ", fired));
        r.carry().lines().forEach(l -> out.println("  " + l));
        out.println("  rule: FAIL if a check FAILs; PASS if every check with ops PASSes; INCONCLUSIVE otherwise (also when all are n/a)");
    }

    private static String eText(double e) {
        return e < 1e-3 ? "< 0.001" : Significance.Test.eText(Math.min(e, Significance.MAX_E));
    }

    private static String pct(double v) {
        return new java.math.BigDecimal(v * 100).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString() + "%";
    }

    private static String num(double v) {
        return new java.math.BigDecimal(v).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
    }
}
