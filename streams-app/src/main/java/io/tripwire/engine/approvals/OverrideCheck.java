package io.tripwire.engine.approvals;

import io.tripwire.engine.rules.Approver;
import io.tripwire.schemas.HumanOverride;
import io.tripwire.signing.OverrideSignatures;

import java.time.Instant;
import java.util.List;

/**
 * Whether an override is honoured (SPEC 3, "Human approvals"): its signature verifies with a trusted
 * approver key valid at its {@code ts}, that key may override its tripwire, {@code ts} is not after
 * its {@code notAfter}, and its token has not been used before for the tenant. The checks run in that
 * order and the first that fails names the refusal.
 */
public final class OverrideCheck {

    /**
     * Every refusal reason, in the order the checks run (dead-letter reasons, SPEC 3), then the one a
     * tripwire may add after them (an approval to enact before a passing simulation, issue 24).
     */
    public static final java.util.List<String> REASONS = java.util.List.of("override-unsigned", "override-untrusted-key",
            "override-bad-signature", "override-not-permitted", "override-expired", "override-token-reused",
            "override-simulation-not-passed");

    /** A check's outcome: honoured by {@code approver}, or refused with a reason and why. */
    public record Verdict(Approver approver, String reason, String why) {
        public boolean honoured() {
            return reason == null;
        }
    }

    private final List<Approver> approvers;

    public OverrideCheck(List<Approver> approvers) {
        this.approvers = List.copyOf(approvers);
    }

    public Verdict check(HumanOverride o, UsedTokens used) {
        if (o.getSignature() == null || o.getKeyId() == null || o.getNotAfter() == null) {
            return refused("override-unsigned", "it carries no " + (o.getKeyId() == null ? "keyId" : o.getNotAfter() == null ? "notAfter" : "signature")
                    + " (tripwire override --signing-key signs one)");
        }
        List<Approver> keys = approvers.stream().filter(a -> a.keyId().equals(o.getKeyId())).toList();
        if (keys.isEmpty()) {
            return refused("override-untrusted-key", "key " + o.getKeyId() + " is not one of the rules' approvers");
        }
        if (!OverrideSignatures.verifies(o, keys.get(0).key())) {
            return refused("override-bad-signature", "its signature does not verify with key " + o.getKeyId()
                    + " (the record was changed after signing, or signed by another key)");
        }
        Instant ts = o.getTs();
        List<Approver> valid = keys.stream().filter(a -> a.validAt(ts)).toList();
        if (valid.isEmpty()) {
            return refused("override-untrusted-key", "key " + o.getKeyId() + " of " + keys.get(0).id() + " is not valid at " + ts
                    + " (" + periods(keys) + ")");
        }
        Approver approver = valid.stream().filter(a -> a.mayOverride().contains(o.getTripwire())).findFirst().orElse(null);
        if (approver == null) {
            return refused("override-not-permitted", valid.get(0).id() + " (key " + o.getKeyId() + ") may override "
                    + valid.get(0).mayOverride() + ", not " + o.getTripwire());
        }
        if (ts.isAfter(o.getNotAfter())) {
            return refused("override-expired", "it was void after " + o.getNotAfter() + " and its ts is " + ts);
        }
        if (used.used(o.getApprovalTokenId(), ts.toEpochMilli())) {
            return refused("override-token-reused", "approval token " + o.getApprovalTokenId() + " was already used for tenant " + o.getTenant());
        }
        return new Verdict(approver, null, null);
    }

    private static Verdict refused(String reason, String why) {
        return new Verdict(null, reason, why);
    }

    private static String periods(List<Approver> keys) {
        return String.join(", ", keys.stream().map(a -> "valid " + a.validFrom() + " to " + (a.validUntil() == null ? "-" : a.validUntil())).toList());
    }
}
