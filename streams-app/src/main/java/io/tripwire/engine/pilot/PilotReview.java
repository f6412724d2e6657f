package io.tripwire.engine.pilot;

import io.tripwire.engine.approvals.RefusedOverrides;
import io.tripwire.engine.rules.Approver;
import io.tripwire.engine.rules.Rules;
import io.tripwire.engine.rules.TripwireRule;
import io.tripwire.engine.tripwires.AutonomyRatioTripwire;
import io.tripwire.engine.tripwires.Significance;
import io.tripwire.engine.tripwires.UnapprovedEnactTripwire;
import io.tripwire.schemas.ActionType;
import io.tripwire.schemas.AutonomyDecision;
import io.tripwire.schemas.AutonomyMode;
import io.tripwire.schemas.AutonomyOutcome;
import io.tripwire.schemas.HumanOverride;
import io.tripwire.schemas.TripwireAction;
import org.apache.avro.specific.SpecificRecord;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The autonomy pilot's loop for one tenant over a window (issue 24): what the gate
 * ({@code tripwire gate --autonomy}), the report and the evidence bundle say about it. From the
 * tenant's events in {@code [from, to)} and the actions the engine took on them:
 * <ul>
 *   <li>the simulation delta (COMPENSATED / decided SIMULATE ops) against the {@code simulation-delta}
 *   rule's threshold, the autonomy rate (AUTONOMOUS / decided ENACT ops) against {@code autonomy-rate}'s
 *   and the compensation rate against {@code autonomy-compensation}'s, each judged both ways with the
 *   e-value guard of SPEC 3 (PASS when significantly on the good side, FAIL when significantly on the bad
 *   side, INCONCLUSIVE otherwise and on fewer than the rule's {@code min-events} decided ops, as the engine
 *   neither fires nor honours an approval on fewer; N/A with no decided ops of that mode);</li>
 *   <li>the HITL_OVERRIDE decisions (humans stepping in on ENACT ops);</li>
 *   <li>the approvals to enact (signed overrides of the tripwire {@code unapproved-enact} is approved by):
 *   honoured ones with who, key id, when and what ended them, and refused ones with why. An approval
 *   given before {@code from} that was still in force at {@code from} is listed too, when the events
 *   and actions passed in reach back to it (a gate that replays a warm-up before its window);</li>
 *   <li>the loop's tripwires that fired (action records by tripwire and action, in the order of
 *   {@link #LOOP_TRIPWIRES}, then of firing).</li>
 * </ul>
 * Deterministic: the same events and actions give the same review.
 */
public record PilotReview(String tenant, Instant from, Instant to, Ratio simulationDelta, Ratio autonomyRate, Ratio compensationRate,
                          long hitlDecisions, List<Approval> approvals, List<Refusal> refusals, Map<String, Long> loopActions) {

    /** A check's outcome; {@code NA}: no decided ops of its mode in the window. */
    public enum Verdict { PASS, FAIL, INCONCLUSIVE, NA }

    /**
     * One ratio k / n against its threshold.
     *
     * @param ruleId     the rule the threshold and guard come from, or null when the rules have none (the defaults)
     * @param goodBelow  true when the good side is below the threshold (compensation, simulation delta)
     * @param minEvents  fewer decided ops than this decide nothing (the rule's min-events)
     * @param guard      the e-value guard: the rule's, or 95% and prior strength 100 when the rule has none or has it off
     * @param eGood      the e-value for "the true share is on the good side" (NaN with no decided ops)
     * @param eBad       the e-value for "it is on the bad side" (NaN with no decided ops)
     */
    public record Ratio(String name, String ruleId, AutonomyMode mode, long k, long n, double threshold, boolean goodBelow, int minEvents,
                        Significance guard, double eGood, double eBad, Verdict verdict) {

        public double share() {
            return n == 0 ? Double.NaN : (double) k / n;
        }

        /** What an e-value must reach: 1/(1 − confidence). */
        public double level() {
            return guard.level();
        }

        /** The e-value for "the true share is below the threshold". */
        public double eBelow() {
            return goodBelow ? eGood : eBad;
        }

        /** The e-value for "the true share is above the threshold". */
        public double eAbove() {
            return goodBelow ? eBad : eGood;
        }

        /**
         * The figures behind the verdict for JSON, in a fixed order: what {@code gate --autonomy --json} and the evidence
         * bundle's {@code pilot.json} both write.
         */
        public Map<String, Object> figures() {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("tripwire", ruleId);
            f.put("mode", mode.name());
            f.put("k", k);
            f.put("decided", n);
            f.put("share", finite(share()));
            f.put("threshold", threshold);
            f.put("goodSide", goodBelow ? "below" : "above");
            f.put("eBelow", finite(eBelow()));
            f.put("eAbove", finite(eAbove()));
            f.put("level", level());
            f.put("confidence", guard.confidence());
            f.put("priorStrength", guard.priorStrength());
            f.put("minEvents", minEvents);
            return f;
        }
    }

    /**
     * An honoured approval to enact.
     *
     * @param approver the approver id the rules give the key, or null when the rules no longer list it
     * @param endedAt  when a BLOCK_ENACT or THROTTLE_AUTONOMY ended it, or null (in force at the window's end,
     *                 or replaced by a later approval: see {@code replacedAt})
     */
    public record Approval(String token, String by, String approver, String keyId, Instant at, Instant notAfter, Instant endedAt,
                           String endedBy, Instant replacedAt) {

        public boolean inForce() {
            return endedAt == null && replacedAt == null;
        }

        /** For JSON, in a fixed order (gate --autonomy --json, pilot.json). */
        public Map<String, Object> toMap() {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("token", token);
            x.put("by", by);
            x.put("approver", approver);
            x.put("keyId", keyId);
            x.put("at", iso(at));
            x.put("notAfter", iso(notAfter));
            x.put("inForce", inForce());
            x.put("endedAt", iso(endedAt));
            x.put("endedBy", endedBy);
            x.put("replacedAt", iso(replacedAt));
            return x;
        }
    }

    /** A refused approval to enact: the AUDIT_EVENT the engine emitted for it. */
    public record Refusal(String token, String by, String keyId, Instant at, String reason, String why) {

        /** For JSON, in a fixed order (gate --autonomy --json, pilot.json). */
        public Map<String, Object> toMap() {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("token", token);
            x.put("by", by);
            x.put("keyId", keyId);
            x.put("at", iso(at));
            x.put("reason", reason);
            x.put("why", why);
            return x;
        }
    }

    /** A number for JSON: null for NaN (no decided ops: n/a), the largest e shown for infinity. */
    static Double finite(double v) {
        if (Double.isNaN(v)) {
            return null;
        }
        return Double.isFinite(v) ? v : Significance.MAX_E;
    }

    private static String iso(Instant t) {
        return t == null ? null : t.toString();
    }

    /** The tripwires of the loop, in the order a review lists them. */
    public static final List<String> LOOP_TRIPWIRES = List.of("simulation-delta", "unapproved-enact", "autonomy-compensation", "autonomy-rate");

    /**
     * @param events  the tenant's input events (others are ignored), any order
     * @param actions the actions the engine took on them (others are ignored)
     */
    public static PilotReview of(String tenant, Instant from, Instant to, List<? extends SpecificRecord> events, List<TripwireAction> actions,
                                 Rules rules) {
        long[] sim = new long[3];   // [decided, autonomous, compensated]
        long[] enact = new long[3];
        long hitl = 0;
        String approvedBy = approvedBy(rules);
        List<HumanOverride> approvalsSent = new ArrayList<>();
        for (SpecificRecord e : events) {
            if (e instanceof AutonomyDecision d && d.getTenant().equals(tenant) && in(d.getTs(), from, to)) {
                long[] c = d.getMode() == AutonomyMode.SIMULATE ? sim : enact;
                switch (d.getOutcome()) {
                    case AUTONOMOUS -> {
                        c[0]++;
                        c[1]++;
                    }
                    case HITL_OVERRIDE -> {
                        c[0]++;
                        if (d.getMode() == AutonomyMode.ENACT) {
                            hitl++;
                        }
                    }
                    case COMPENSATED -> c[2]++;
                }
            } else if (e instanceof HumanOverride o && o.getTenant().equals(tenant) && o.getTripwire().equals(approvedBy)
                    && o.getTs().isBefore(to)) {
                approvalsSent.add(o); // earlier ones too: one may still be in force at from
            }
        }
        List<TripwireAction> upToTo = actions.stream().filter(a -> a.getTenant().equals(tenant) && a.getFiredAt().isBefore(to)).toList();
        List<TripwireAction> mine = upToTo.stream().filter(a -> !a.getFiredAt().isBefore(from)).toList();

        // refused approvals: the AUDIT_EVENT of hitl-approval naming the tripwire, at the override's ts, with its token
        List<TripwireAction> refusalRecords = upToTo.stream().filter(a -> RefusedOverrides.isRefusal(a) && a.getScope().equals(approvedBy)).toList();
        RefusedOverrides refused = RefusedOverrides.of(refusalRecords);
        List<Refusal> refusals = new ArrayList<>();
        for (TripwireAction a : refusalRecords) {
            if (!a.getFiredAt().isBefore(from)) {
                refusals.add(new Refusal(text(a.getEvidence().get("approvalTokenId")), text(a.getEvidence().get("by")),
                        text(a.getEvidence().get("keyId")), a.getFiredAt(), text(a.getEvidence().get("refused")), a.getReason()));
            }
        }
        // honoured approvals, each until the first BLOCK_ENACT or THROTTLE_AUTONOMY after it, or the next approval;
        // those of the window, and an earlier one still in force at its start
        approvalsSent.sort(Comparator.comparing(HumanOverride::getTs));
        List<HumanOverride> honoured = approvalsSent.stream().filter(o -> !refused.refused(o)).toList();
        List<Approval> approvals = new ArrayList<>();
        for (int i = 0; i < honoured.size(); i++) {
            HumanOverride o = honoured.get(i);
            Instant next = i + 1 < honoured.size() ? honoured.get(i + 1).getTs() : null;
            TripwireAction end = upToTo.stream().filter(a -> (a.getAction() == ActionType.BLOCK_ENACT || a.getAction() == ActionType.THROTTLE_AUTONOMY)
                            && !a.getFiredAt().isBefore(o.getTs()) && (next == null || a.getFiredAt().isBefore(next)))
                    .findFirst().orElse(null);
            Instant over = end != null ? end.getFiredAt() : next;
            if (o.getTs().isBefore(from) && over != null && over.isBefore(from)) {
                continue; // over before the window began
            }
            String approver = rules.approvers().stream().filter(ap -> ap.keyId().equals(o.getKeyId())).map(Approver::id).findFirst().orElse(null);
            approvals.add(new Approval(o.getApprovalTokenId(), o.getBy(), approver, o.getKeyId(), o.getTs(), o.getNotAfter(),
                    end == null ? null : end.getFiredAt(), end == null ? null : end.getTripwire() + " " + end.getAction(),
                    end == null ? next : null));
        }
        // in the order a review lists them: by LOOP_TRIPWIRES, then each tripwire's actions in firing order
        // (not Map.copyOf, whose order changes from run to run)
        Map<String, Long> loop = new LinkedHashMap<>();
        for (String tripwire : LOOP_TRIPWIRES) {
            for (TripwireAction a : mine) {
                if (a.getTripwire().equals(tripwire)) {
                    loop.merge(a.getTripwire() + " " + a.getAction(), 1L, Long::sum);
                }
            }
        }
        AutonomyRatioTripwire.Rule simRule = ratioRule(rules, AutonomyMode.SIMULATE, "compensated", "simulation-delta");
        AutonomyRatioTripwire.Rule rateRule = ratioRule(rules, AutonomyMode.ENACT, "autonomous", "autonomy-rate");
        AutonomyRatioTripwire.Rule compRule = ratioRule(rules, AutonomyMode.ENACT, "compensated", "autonomy-compensation");
        return new PilotReview(tenant, from, to,
                ratio("simulation delta", AutonomyMode.SIMULATE, sim[2], sim[0], simRule, 0.005, true, rules.minEvents()),
                ratio("autonomy rate", AutonomyMode.ENACT, enact[1], enact[0], rateRule, 0.999, false, rules.minEvents()),
                ratio("compensation rate", AutonomyMode.ENACT, enact[2], enact[0], compRule, 0.005, true, rules.minEvents()),
                hitl, List.copyOf(approvals), List.copyOf(refusals), Collections.unmodifiableMap(loop));
    }

    /**
     * The review of each tenant with autonomy decisions in {@code [from, to)}, by tenant name: the pilot
     * sections of the report and of the evidence bundle.
     */
    public static List<PilotReview> ofTenants(Instant from, Instant to, List<? extends SpecificRecord> events,
                                              List<TripwireAction> actions, Rules rules) {
        Set<String> tenants = new TreeSet<>();
        for (SpecificRecord e : events) {
            if (e instanceof AutonomyDecision d && in(d.getTs(), from, to)) {
                tenants.add(d.getTenant());
            }
        }
        return tenants.stream().map(t -> of(t, from, to, events, actions, rules)).toList();
    }

    /** Whether a review reads this input event (autonomy decisions, human overrides): what a replay keeps for it. */
    public static boolean reads(SpecificRecord event) {
        return event instanceof AutonomyDecision || event instanceof HumanOverride;
    }

    /** The id whose signed overrides are approvals to enact: the unapproved-enact rule's approved-by, else simulation-delta. */
    public static String approvedBy(Rules rules) {
        for (TripwireRule r : rules.tripwires()) {
            if (r instanceof UnapprovedEnactTripwire.Rule u) {
                return u.approvedBy();
            }
        }
        return "simulation-delta";
    }

    /** The rule of that mode and ratio (the id when several), or null when the rules have none. */
    private static AutonomyRatioTripwire.Rule ratioRule(Rules rules, AutonomyMode mode, String ratio, String id) {
        AutonomyRatioTripwire.Rule any = null;
        for (TripwireRule r : rules.tripwires()) {
            if (r instanceof AutonomyRatioTripwire.Rule a && a.mode() == mode && a.ratio().equals(ratio)) {
                if (a.id().equals(id)) {
                    return a;
                }
                any = any == null ? a : any;
            }
        }
        return any;
    }

    /**
     * k of n against the rule's threshold (or {@code fallback} with the default guard, 95% and prior strength
     * 100, when the rules have no such rule), judged both ways. On fewer than the rule's min-events decided ops
     * neither side is shown, whatever the e-values: the engine would neither fire nor honour an approval there.
     */
    private static Ratio ratio(String name, AutonomyMode mode, long k, long n, AutonomyRatioTripwire.Rule rule, double fallback,
                               boolean goodBelow, int defaultMinEvents) {
        double x = rule == null ? fallback : rule.threshold();
        int minEvents = rule == null ? defaultMinEvents : rule.minEvents();
        Significance guard = rule == null || !rule.significance().on() ? new Significance(0.95, 100) : rule.significance();
        String id = rule == null ? null : rule.id();
        if (n == 0) {
            return new Ratio(name, id, mode, k, n, x, goodBelow, minEvents, guard, Double.NaN, Double.NaN, Verdict.NA);
        }
        double share = (double) k / n;
        Significance.Test good = guard.test(k, n, x, !goodBelow);
        Significance.Test bad = guard.test(k, n, x, goodBelow);
        boolean onGood = goodBelow ? share < x : share > x;
        boolean onBad = goodBelow ? share > x : share < x;
        Verdict v = n < minEvents ? Verdict.INCONCLUSIVE
                : onGood && good.e() >= guard.level() ? Verdict.PASS : onBad && bad.e() >= guard.level() ? Verdict.FAIL : Verdict.INCONCLUSIVE;
        return new Ratio(name, id, mode, k, n, x, goodBelow, minEvents, guard, good.e(), bad.e(), v);
    }

    private static boolean in(Instant t, Instant from, Instant to) {
        return !t.isBefore(from) && t.isBefore(to);
    }

    private static String text(Object o) {
        return o == null ? null : o.toString();
    }
}
