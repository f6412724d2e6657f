package io.tripwire.engine;

import io.tripwire.engine.replay.ReplayEngine;
import io.tripwire.schemas.TripwireAction;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.tripwire.engine.Events.at;
import static io.tripwire.engine.Events.override;
import static io.tripwire.engine.Events.policy;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * residency-violation: every DENY emits ABORT_OP and AUDIT_EVENT; REQUIRE_HITL once per hold,
 * released by an override. purpose-missing: ABORT_OP and AUDIT_EVENT on every DENY.
 */
class PolicySpecTest {

    @Test
    void aResidencyDenyAbortsAuditsAndRequiresAHuman() {
        try (ReplayEngine engine = Engines.engine()) {
            engine.send(policy(at("2025-10-06T10:00:00Z"), "TENANT_005", "ing-9", "DENY", "residency"), 0, null);
            List<TripwireAction> fired = Actions.of(engine.output(), "residency-violation");
            assertThat(Actions.timeline(engine.output(), "residency-violation")).containsExactly(
                    "ABORT_OP@2025-10-06T10:00:00Z", "AUDIT_EVENT@2025-10-06T10:00:00Z", "REQUIRE_HITL@2025-10-06T10:00:00Z");
            assertThat(fired.get(0).getParams()).containsEntry("opId", "ing-9");
            assertThat(fired.get(1).getEvidence()).containsEntry("policy", "residency").containsEntry("residencyZone", "eu")
                    .containsEntry("dataZone", "us").containsEntry("purpose", "investigation").containsEntry("opId", "ing-9");
        }
    }

    @Test
    void aHeldTenantGetsAbortAndAuditOnEveryDenyButRequireHitlOnlyOnceUntilReleased() {
        try (ReplayEngine engine = Engines.engine()) {
            engine.send(policy(at("2025-10-06T10:00:00Z"), "TENANT_005", "ing-9", "DENY", "residency"), 0, null);
            engine.send(policy(at("2025-10-06T10:01:00Z"), "TENANT_005", "ing-10", "DENY", "residency"), 0, null);
            engine.send(override(at("2025-10-06T10:02:00Z"), "TENANT_005", "residency-violation", "tok-1"), 0, null);
            engine.send(policy(at("2025-10-06T10:03:00Z"), "TENANT_005", "ing-11", "DENY", "residency"), 0, null);

            assertThat(Actions.timeline(engine.output(), "residency-violation")).containsExactly(
                    "ABORT_OP@2025-10-06T10:00:00Z", "AUDIT_EVENT@2025-10-06T10:00:00Z", "REQUIRE_HITL@2025-10-06T10:00:00Z",
                    "ABORT_OP@2025-10-06T10:01:00Z", "AUDIT_EVENT@2025-10-06T10:01:00Z",
                    "RESOLVED@2025-10-06T10:02:00Z",
                    "ABORT_OP@2025-10-06T10:03:00Z", "AUDIT_EVENT@2025-10-06T10:03:00Z", "REQUIRE_HITL@2025-10-06T10:03:00Z");
            TripwireAction resolved = Actions.of(engine.output(), "residency-violation").get(5);
            assertThat(resolved.getEvidence()).containsEntry("approvalTokenId", "tok-1").containsEntry("by", "dpo@example.org");
        }
    }

    @Test
    void anOverrideWithoutAHoldOrForAnotherTenantChangesNothing() {
        try (ReplayEngine engine = Engines.engine()) {
            engine.send(override(at("2025-10-06T09:59:00Z"), "TENANT_005", "residency-violation", "tok-0"), 0, null);
            engine.send(policy(at("2025-10-06T10:00:00Z"), "TENANT_005", "ing-9", "DENY", "residency"), 0, null);
            engine.send(override(at("2025-10-06T10:01:00Z"), "TENANT_006", "residency-violation", "tok-1"), 0, null);
            engine.send(policy(at("2025-10-06T10:02:00Z"), "TENANT_005", "ing-10", "DENY", "residency"), 0, null);
            assertThat(Actions.timeline(engine.output(), "residency-violation")).noneMatch(s -> s.startsWith("RESOLVED"))
                    .filteredOn(s -> s.startsWith("REQUIRE_HITL")).hasSize(1);
        }
    }

    @Test
    void purposeDeniesAbortAndAuditEveryTimeWithoutHold() {
        try (ReplayEngine engine = Engines.engine()) {
            engine.send(policy(at("2025-10-06T10:00:00Z"), "TENANT_005", "q-1", "DENY", "purpose"), 0, null);
            engine.send(policy(at("2025-10-06T10:00:05Z"), "TENANT_005", "q-2", "DENY", "purpose"), 0, null);
            engine.send(policy(at("2025-10-06T10:00:06Z"), "TENANT_005", "q-3", "ALLOW", "purpose"), 0, null);
            assertThat(Actions.timeline(engine.output(), "purpose-missing")).containsExactly(
                    "ABORT_OP@2025-10-06T10:00:00Z", "AUDIT_EVENT@2025-10-06T10:00:00Z",
                    "ABORT_OP@2025-10-06T10:00:05Z", "AUDIT_EVENT@2025-10-06T10:00:05Z");
            assertThat(Actions.of(engine.output(), "residency-violation")).isEmpty();
        }
    }

    @Test
    void twoDeniesOfDifferentOpsAtTheSameInstantHaveDistinctIds() {
        try (ReplayEngine engine = Engines.engine()) {
            engine.send(policy(at("2025-10-06T10:00:00Z"), "TENANT_005", "q-1", "DENY", "purpose"), 0, null);
            engine.send(policy(at("2025-10-06T10:00:00Z"), "TENANT_005", "q-2", "DENY", "purpose"), 0, null);
            assertThat(Actions.of(engine.output(), "purpose-missing")).extracting(TripwireAction::getActionId).doesNotHaveDuplicates().hasSize(4);
        }
    }
}
