package io.tripwire.engine;

import io.tripwire.engine.replay.ReplayEngine;
import io.tripwire.engine.replay.ReplayOutput;
import io.tripwire.engine.rules.RulesException;
import io.tripwire.engine.rules.RulesLoader;
import io.tripwire.engine.tripwires.TripwireKinds;
import io.tripwire.schemas.HumanOverride;
import io.tripwire.schemas.TripwireAction;
import io.tripwire.signing.ActionSigner;
import io.tripwire.signing.Ed25519Keys;
import io.tripwire.signing.OverrideSignatures;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.tripwire.engine.Events.STORY_KEY;
import static io.tripwire.engine.Events.at;
import static io.tripwire.engine.Events.override;
import static io.tripwire.engine.Events.policy;
import static io.tripwire.engine.Events.unsignedOverride;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * SPEC 3, "Human approvals": a residency hold is released by a valid signed override and by nothing
 * else. Each refused override leaves the hold, is dead-lettered with its reason and emits one
 * AUDIT_EVENT (tripwire {@code hitl-approval}, scope the tripwire it named). The rules are the
 * stories' (test-data/story-rules.yaml): one approver, key {@code dpo-2025}, may override
 * residency-violation and error-budget, valid 2025-10-01 to 2025-12-31.
 */
class HumanApprovalsSpecTest {

    private static final String T = "TENANT_005";
    private static final Instant DENY = at("2025-10-06T10:15:00Z");
    private static final Instant LATER = at("2025-10-06T10:25:00Z");

    private static ReplayOutput run(ReplayEngine engine, List<? extends SpecificRecord> events) {
        try (engine) {
            engine.sendAll(events);
            return engine.output();
        }
    }

    private static ReplayOutput run(List<? extends SpecificRecord> events) {
        return run(Engines.engine(), events);
    }

    private static HumanOverride signed(HumanOverride unsigned, String keyId, Instant notAfter, java.security.PrivateKey key) {
        return OverrideSignatures.sign(HumanOverride.newBuilder(unsigned).setKeyId(keyId).setNotAfter(notAfter).build(), key);
    }

    /** The hold's life: REQUIRE_HITL at the deny, then RESOLVED or not, and the refusals' audits. */
    private static List<String> holdAndAudits(ReplayOutput out) {
        return out.actions().stream().filter(a -> a.getAction().toString().equals("REQUIRE_HITL") || a.getAction().toString().equals("RESOLVED")
                        || a.getTripwire().equals("hitl-approval"))
                .map(a -> a.getTripwire() + " " + a.getAction() + "@" + a.getFiredAt()).toList();
    }

    private static void refusedLeavesTheHold(HumanOverride refused, String reason) {
        ReplayOutput out = run(List.of(policy(DENY, T, "ing-9", "DENY", "residency"), refused));
        assertThat(holdAndAudits(out)).as(reason).containsExactly("residency-violation REQUIRE_HITL@" + DENY,
                "hitl-approval AUDIT_EVENT@" + refused.getTs());
        assertThat(out.deadLetters()).extracting(d -> d.reason()).containsExactly(reason);
        TripwireAction audit = Actions.of(out, "hitl-approval").get(0);
        assertThat(audit.getScope()).isEqualTo(refused.getTripwire());
        assertThat(audit.getReason()).contains("refused, " + reason, "token " + refused.getApprovalTokenId());
        assertThat(audit.getEvidence()).containsEntry("refused", reason).containsEntry("approvalTokenId", refused.getApprovalTokenId());
        // and the hold stays: the next deny is still held (no second REQUIRE_HITL)
        ReplayOutput next = run(List.of(policy(DENY, T, "ing-9", "DENY", "residency"), refused,
                policy(LATER.plusSeconds(60), T, "ing-10", "DENY", "residency")));
        assertThat(next.actions()).filteredOn(a -> a.getAction().toString().equals("REQUIRE_HITL")).hasSize(1);
        assertThat(next.actions()).noneMatch(a -> a.getAction().toString().equals("RESOLVED"));
    }

    @Test
    void aValidSignedOverrideReleasesTheHoldAndNamesItsApprover() {
        ReplayOutput out = run(List.of(policy(DENY, T, "ing-9", "DENY", "residency"), override(LATER, T, "residency-violation", "tok-1")));
        assertThat(holdAndAudits(out)).containsExactly("residency-violation REQUIRE_HITL@" + DENY, "residency-violation RESOLVED@" + LATER);
        assertThat(out.deadLetters()).isEmpty();
        assertThat(Actions.of(out, "residency-violation").get(Actions.of(out, "residency-violation").size() - 1).getEvidence())
                .containsEntry("approver", "dpo@example.org").containsEntry("keyId", "dpo-2025").containsEntry("approvalTokenId", "tok-1");
    }

    @Test
    void anUnsignedOverrideIsRefused() {
        refusedLeavesTheHold(unsignedOverride(LATER, T, "residency-violation", "tok-1"), "override-unsigned");
    }

    @Test
    void anOverrideWhoseSignedFieldsWereChangedIsRefused() {
        HumanOverride changed = HumanOverride.newBuilder(override(LATER, T, "residency-violation", "tok-1")).setBy("someone-else").build();
        refusedLeavesTheHold(changed, "override-bad-signature");
        // the tenant too is signed: an approval for one tenant cannot release another's hold
        HumanOverride other = HumanOverride.newBuilder(override(LATER, "TENANT_004", "residency-violation", "tok-1")).setTenant(T).build();
        refusedLeavesTheHold(other, "override-bad-signature");
    }

    @Test
    void anOverrideSignedByAnUnknownKeyIsRefused() {
        KeyPair stranger = Ed25519Keys.generate();
        refusedLeavesTheHold(signed(unsignedOverride(LATER, T, "residency-violation", "tok-1"), "stranger", LATER.plusSeconds(600),
                stranger.getPrivate()), "override-untrusted-key");
        // a stranger's signature under the trusted key's id does not verify
        refusedLeavesTheHold(signed(unsignedOverride(LATER, T, "residency-violation", "tok-1"), "dpo-2025", LATER.plusSeconds(600),
                stranger.getPrivate()), "override-bad-signature");
    }

    @Test
    void anOverrideByAKeyOutsideItsValidPeriodIsRefused() {
        // the story key is valid until 2025-12-31: rotated out for a hold of January 2026
        Instant deny = at("2026-01-05T09:00:00Z");
        Instant after = at("2026-01-05T09:10:00Z");
        ReplayOutput out = run(List.of(policy(deny, T, "ing-9", "DENY", "residency"),
                signed(unsignedOverride(after, T, "residency-violation", "tok-1"), "dpo-2025", after.plusSeconds(600), STORY_KEY)));
        assertThat(out.deadLetters()).extracting(d -> d.reason()).containsExactly("override-untrusted-key");
        assertThat(Actions.of(out, "hitl-approval").get(0).getReason()).contains("is not valid at 2026-01-05T09:10:00Z");
        assertThat(out.actions()).noneMatch(a -> a.getAction().toString().equals("RESOLVED"));
    }

    @Test
    void anOverrideOfATripwireTheApproverMayNotOverrideIsRefused() {
        ReplayOutput out = run(List.of(policy(DENY, T, "ing-9", "DENY", "residency"), override(LATER, T, "replica-lag", "tok-1")));
        assertThat(out.deadLetters()).extracting(d -> d.reason()).containsExactly("override-not-permitted");
        assertThat(Actions.of(out, "hitl-approval")).singleElement().satisfies(a -> assertThat(a.getScope()).isEqualTo("replica-lag"));
    }

    @Test
    void anOverridePastItsNotAfterIsRefused() {
        refusedLeavesTheHold(signed(unsignedOverride(LATER, T, "residency-violation", "tok-1"), "dpo-2025", LATER.minusSeconds(1), STORY_KEY),
                "override-expired");
    }

    @Test
    void aTokenIsUsedOnceForATenant() {
        // the approval releases the first hold; sent again (a replay, or a second approval with the same token) for a
        // second hold within its validity, it is refused
        HumanOverride first = override(LATER, T, "residency-violation", "tok-1");
        HumanOverride again = signed(unsignedOverride(LATER.plusSeconds(300), T, "residency-violation", "tok-1"), "dpo-2025",
                LATER.plusSeconds(3600), STORY_KEY);
        ReplayOutput out = run(List.of(policy(DENY, T, "ing-9", "DENY", "residency"), first,
                policy(LATER.plusSeconds(120), T, "ing-10", "DENY", "residency"), again));
        assertThat(holdAndAudits(out)).containsExactly("residency-violation REQUIRE_HITL@" + DENY, "residency-violation RESOLVED@" + LATER,
                "residency-violation REQUIRE_HITL@" + LATER.plusSeconds(120), "hitl-approval AUDIT_EVENT@" + again.getTs());
        assertThat(out.deadLetters()).extracting(d -> d.reason()).containsExactly("override-token-reused");
        // the same token for another tenant is another approval
        ReplayOutput other = run(List.of(first, override(LATER.plusSeconds(60), "TENANT_004", "residency-violation", "tok-1")));
        assertThat(other.deadLetters()).isEmpty();
    }

    @Test
    void aKeyIsRotatedWithoutAGapByTwoEntriesOfOneApprover(@TempDir Path dir) throws Exception {
        KeyPair old = Ed25519Keys.generate();
        KeyPair next = Ed25519Keys.generate();
        Ed25519Keys.write(old, dir.resolve("old"));
        Ed25519Keys.write(next, dir.resolve("next"));
        Path rules = dir.resolve("rules.yaml");
        Files.writeString(rules, "extends: " + Path.of("..", "config", "tripwires.yaml").toAbsolutePath() + "\n"
                + "approvers:\n"
                + "  - {id: dpo@example.org, public-key: old/public.pem, key-id: dpo-old, may-override: [residency-violation],\n"
                + "     valid-from: 2025-01-01T00:00:00Z, valid-until: 2025-10-06T10:20:00Z}\n"
                + "  - {id: dpo@example.org, public-key: next/public.pem, key-id: dpo-next, may-override: [residency-violation],\n"
                + "     valid-from: 2025-10-06T10:00:00Z}\n");
        var r = new RulesLoader(TripwireKinds::parse).load(rules, List.of(), Map.of());
        assertThat(r.approvers()).extracting(a -> a.id() + " " + a.keyId()).containsExactly("dpo@example.org dpo-old", "dpo@example.org dpo-next");
        HumanOverride byOld = signed(unsignedOverride(LATER, T, "residency-violation", "tok-1"), "dpo-old", LATER.plusSeconds(600), old.getPrivate());
        HumanOverride byNext = signed(unsignedOverride(LATER, T, "residency-violation", "tok-2"), "dpo-next", LATER.plusSeconds(600), next.getPrivate());
        // at 10:25 the old key has ended (10:20): refused; the new one (from 10:00) releases the hold
        ReplayOutput out = run(new ReplayEngine(r, new ActionSigner(Engines.KEYS.getPrivate())),
                List.of(policy(DENY, T, "ing-9", "DENY", "residency"), byOld, byNext));
        assertThat(out.deadLetters()).extracting(d -> d.reason()).containsExactly("override-untrusted-key");
        assertThat(holdAndAudits(out)).endsWith("residency-violation RESOLVED@" + LATER);
    }

    @Test
    void theShippedRulesTrustNobodyAndABadApproverEntryNamesWhatIsWrong(@TempDir Path dir) throws Exception {
        // the shipped rules have no approvers: even the stories' signed override is refused
        var shipped = new RulesLoader(TripwireKinds::parse).load(Path.of("..", "config", "tripwires.yaml"), List.of(), Map.of());
        assertThat(shipped.approvers()).isEmpty();
        ReplayOutput out = run(new ReplayEngine(shipped, new ActionSigner(Engines.KEYS.getPrivate())),
                List.of(policy(DENY, T, "ing-9", "DENY", "residency"), override(LATER, T, "residency-violation", "tok-1")));
        assertThat(out.deadLetters()).extracting(d -> d.reason()).containsExactly("override-untrusted-key");

        Path rules = dir.resolve("rules.yaml");
        String base = "extends: " + Path.of("..", "config", "tripwires.yaml").toAbsolutePath() + "\napprovers:\n";
        Files.writeString(rules, base + "  - {id: a, public-key: missing.pem, may-override: [residency-violation], valid-from: 2025-01-01T00:00:00Z}\n");
        assertThatThrownBy(() -> new RulesLoader(TripwireKinds::parse).load(rules, List.of(), Map.of()))
                .isInstanceOf(RulesException.class).hasMessageContaining("approvers[0].public-key: no such file").hasMessageContaining("missing.pem");
        Ed25519Keys.write(Ed25519Keys.generate(), dir.resolve("k"));
        Files.writeString(rules, base + "  - {id: a, public-key: k/public.pem, may-override: [residency], valid-from: 2025-01-01T00:00:00Z}\n");
        assertThatThrownBy(() -> new RulesLoader(TripwireKinds::parse).load(rules, List.of(), Map.of()))
                .hasMessageContaining("approvers[0].may-override: 'residency' is not a tripwire of these rules");
        Files.writeString(rules, base + "  - {id: a, public-key: k/public.pem, may-override: [residency-violation], valid-from: yesterday}\n");
        assertThatThrownBy(() -> new RulesLoader(TripwireKinds::parse).load(rules, List.of(), Map.of()))
                .hasMessageContaining("approvers[0].valid-from: expected an ISO-8601 UTC time");
        Files.writeString(rules, base + "  - {id: a, public-key: k/private.pem, may-override: [residency-violation], valid-from: 2025-01-01T00:00:00Z}\n");
        assertThatThrownBy(() -> new RulesLoader(TripwireKinds::parse).load(rules, List.of(), Map.of()))
                .hasMessageContaining("approvers[0].public-key: ");
    }
}
