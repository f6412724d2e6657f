package io.tripwire.executor.handler;

import io.tripwire.executor.TestActions;
import io.tripwire.schemas.ActionType;
import io.tripwire.schemas.TripwireAction;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ArgvTemplateTest {

    private static final TripwireAction ROLLBACK =
            TestActions.unsigned("TENANT_004", ActionType.ROLLBACK_LAST_STEP, null, Map.of("to", "10"));

    @Test
    void expandsFieldsParamsAndEvidenceIntoOneArgumentPerElement() {
        ArgvTemplate t = ArgvTemplate.parse(List.of("rollout.sh", "rollback", "--tenant", "{tenant}", "--to={params.to}%",
                "{tripwire}/{scope}/{action}", "{evidence.remaining}", "{evidence.bad}", "{firedAt}", "{actionId}"));

        assertThat(t.expand(ROLLBACK)).containsExactly("rollout.sh", "rollback", "--tenant", "TENANT_004", "--to=10%",
                "error-budget/api/ROLLBACK_LAST_STEP", "0.5442", "23", "2025-10-06T11:07:00Z", ROLLBACK.getActionId());
    }

    @Test
    void aTenantThatLooksLikeShellStaysOneArgument() {
        TripwireAction evil = TestActions.unsigned("x; rm -rf / $(reboot) `id` \"'", ActionType.STOP_RAMP, null, Map.of());
        ArgvTemplate t = ArgvTemplate.parse(List.of("stop.sh", "--tenant", "{tenant}", "--label=t:{tenant}"));

        List<String> argv = t.expand(evil);

        assertThat(argv).hasSize(4);
        assertThat(argv.get(2)).isEqualTo("x; rm -rf / $(reboot) `id` \"'");
        assertThat(argv.get(3)).isEqualTo("--label=t:x; rm -rf / $(reboot) `id` \"'");
    }

    @Test
    void aPlaceholderInsideAValueIsNotExpandedAgain() {
        TripwireAction sneaky = TestActions.unsigned("{actionId}", ActionType.STOP_RAMP, null, Map.of("to", "{tenant}"));

        assertThat(ArgvTemplate.parse(List.of("x", "{tenant}", "{params.to}")).expand(sneaky))
                .containsExactly("x", "{actionId}", "{tenant}");
    }

    @Test
    void aMissingParamUsesItsDefaultOrFailsNamingIt() {
        TripwireAction noParams = TestActions.unsigned("T", ActionType.FREEZE_RAMP, null, Map.of());

        assertThat(ArgvTemplate.parse(List.of("x", "{params.until:-24h}", "{params.to:-}")).expand(noParams))
                .containsExactly("x", "24h", "");
        assertThatThrownBy(() -> ArgvTemplate.parse(List.of("x", "{params.until}")).expand(noParams))
                .hasMessage("the action has no params.until");
        assertThatThrownBy(() -> ArgvTemplate.parse(List.of("x", "{evidence.nope}")).expand(noParams))
                .hasMessage("the action has no evidence.nope");
    }

    @Test
    void refusesUnknownPlaceholdersAndStrayBraces() {
        assertThatThrownBy(() -> ArgvTemplate.parse(List.of("x", "{tenant_id}")))
                .hasMessageStartingWith("argv[1] '{tenant_id}': unknown placeholder {tenant_id} (allowed: {tenant},");
        assertThatThrownBy(() -> ArgvTemplate.parse(List.of("x", "{params.}")))
                .hasMessageContaining("unknown placeholder {params.}");
        assertThatThrownBy(() -> ArgvTemplate.parse(List.of("x", "{tenant")))
                .hasMessageContaining("'{' without '}'");
        assertThatThrownBy(() -> ArgvTemplate.parse(List.of("x", "a}b")))
                .hasMessageContaining("'}' without '{'");
        assertThatThrownBy(() -> ArgvTemplate.parse(List.of()))
                .hasMessage("argv must name a program");
    }

    @Test
    void doubledBracesAreLiteral() {
        assertThat(ArgvTemplate.parse(List.of("x", "{{\"t\":\"{tenant}\"}}")).expand(ROLLBACK))
                .containsExactly("x", "{\"t\":\"TENANT_004\"}");
    }
}
