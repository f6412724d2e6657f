package io.tripwire.engine.topology;

import io.tripwire.engine.approvals.OverrideCheck;
import io.tripwire.engine.approvals.UsedTokens;
import io.tripwire.engine.rules.Rules;
import io.tripwire.engine.rules.TripwireRule;
import io.tripwire.engine.tripwires.Decisions;
import io.tripwire.engine.tripwires.Finding;
import io.tripwire.engine.tripwires.Tripwire;
import io.tripwire.schemas.HumanOverride;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The gate every human override passes before any tripwire sees it (SPEC 3, "Human approvals"):
 * honoured only when signed by a trusted approver key valid at its time and allowed that tripwire,
 * not past its {@code notAfter}, with a token not used before for the tenant (kept in the
 * {@code approval-tokens} store, so a restart does not forget), and, for an approval to enact, after
 * a passing simulation (the tripwire it names may object). A refused override emits one
 * AUDIT_EVENT (tripwire {@value #AUDIT_TRIPWIRE}, scope the tripwire it named) and is dead-lettered
 * with its reason; the hold stays.
 */
final class Approvals {

    /** The tripwire id of the AUDIT_EVENT a refused override emits. */
    static final String AUDIT_TRIPWIRE = io.tripwire.engine.approvals.RefusedOverrides.TRIPWIRE;

    private static final Logger LOG = LoggerFactory.getLogger("io.tripwire.decisions");

    /** The rule behind a refusal's AUDIT_EVENT: not a tripwire of the rules file. */
    private record AuditRule(String id, List<String> actions, Map<String, Map<String, String>> params) implements TripwireRule {
    }

    private static final AuditRule AUDIT = new AuditRule(AUDIT_TRIPWIRE, List.of("AUDIT_EVENT"), Map.of());

    private final OverrideCheck check;
    private final KeyValueStore<String, UsedTokens> tokens;
    private final Decisions decisions;
    private final long grace;

    Approvals(ProcessorContext<?, ?> ctx, Rules rules, Decisions decisions) {
        this.grace = rules.grace().toMillis();
        this.check = new OverrideCheck(rules.approvers());
        this.tokens = ctx.getStateStore(StoreNames.APPROVAL_TOKENS);
        this.decisions = decisions;
    }

    /**
     * Admits an override (records its token) or refuses it: AUDIT_EVENT, then {@link RefusedOverrideException}.
     * {@code tripwireObjection}: after the checks of SPEC 3, whether the tripwire it names still refuses it
     * (an approval to enact before the simulation has passed), or null.
     */
    OverrideCheck.Verdict admit(String tenant, HumanOverride o, Function<HumanOverride, Tripwire.Refusal> tripwireObjection) {
        UsedTokens used = tokens.get(tenant);
        if (used == null) {
            used = UsedTokens.none();
        }
        OverrideCheck.Verdict v = check.check(o, used);
        if (v.honoured()) {
            Tripwire.Refusal objection = tripwireObjection.apply(o);
            if (objection != null) {
                v = new OverrideCheck.Verdict(null, objection.reason(), objection.why());
            }
        }
        long at = o.getTs().toEpochMilli();
        if (!v.honoured()) {
            Map<String, Object> evidence = new LinkedHashMap<>();
            evidence.put("refused", v.reason());
            evidence.put("tripwire", o.getTripwire());
            evidence.put("approvalTokenId", o.getApprovalTokenId());
            evidence.put("by", o.getBy());
            evidence.put("keyId", o.getKeyId());
            evidence.put("notAfter", o.getNotAfter() == null ? null : o.getNotAfter().toString());
            String why = "override of " + o.getTripwire() + " by " + o.getBy() + " (token " + o.getApprovalTokenId() + ") refused, "
                    + v.reason() + ": " + v.why();
            decisions.fireOnEvent(AUDIT, tenant, o.getTripwire(), at, o.getApprovalTokenId() + "/" + v.reason(), AUDIT.actions(),
                    new Finding(why, evidence));
            throw new RefusedOverrideException(v.reason(), why);
        }
        long until = o.getNotAfter().toEpochMilli();
        // a token is needed while an override that early can still be accepted: up to grace before this one
        tokens.put(tenant, used.with(o.getApprovalTokenId(), until, at - grace));
        LOG.info("HITL_OVERRIDE tenant={} tripwire={} approver={} keyId={} approvalTokenId={} at={} notAfter={} (valid for {})", tenant,
                o.getTripwire(), v.approver().id(), o.getKeyId(), o.getApprovalTokenId(), o.getTs(), o.getNotAfter(),
                Duration.ofMillis(until - at));
        return v;
    }
}
