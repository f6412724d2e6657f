package io.tripwire.cli.gate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tripwire.cli.history.BeforeTheWindow;
import io.tripwire.signing.Ed25519Keys;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;

import static io.tripwire.cli.gate.GateCommandTest.gate;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gate remembers what came before its window (issue 25): a tenant frozen, or holding a
 * residency hold, by events before the window is not PASSed by a gate whose window ends while it is
 * still so; a tenant whose hold was released, or whose freeze ended, before the window is. Events
 * before the window build that state but are not the window's figures or firings. File mode: the
 * file's earlier events are the history ({@code CarryInIT} does the same on topics).
 */
class GateCarryInTest {

    private static final String STORY_RULES = Path.of("..", "test-data", "story-rules.yaml").toString();
    private static final Instant END = Instant.parse("2025-10-10T00:00:00Z");
    private static final String[] WINDOW = {"--window", "3h", "--at", END.toString(), "--slo", "0.994", "--rules", STORY_RULES};

    @TempDir
    static Path dir;
    private static String file;

    @BeforeAll
    static void recordTheStory() throws Exception {
        // the story's approver (story-rules.yaml trusts dpo-2025 for residency holds from 2025-10-01)
        var key = Ed25519Keys.readPrivate(Path.of("..", "test-data", "story-keys", "private.pem"));
        file = BeforeTheWindow.write(BeforeTheWindow.events(END, "dpo@example.org", "dpo-2025", key), dir.resolve("events.jsonl")).toString();
    }

    private static GateCommandTest.Run gateOf(String tenant, String... more) {
        String[] args = new String[4 + WINDOW.length + more.length];
        System.arraycopy(new String[] {"--tenant", tenant, "--input", file}, 0, args, 0, 4);
        System.arraycopy(WINDOW, 0, args, 4, WINDOW.length);
        System.arraycopy(more, 0, args, 4 + WINDOW.length, more.length);
        return gate(args);
    }

    @Test
    void aTenantFrozenFiveHoursBeforeTheWindowIsStillFrozenAtItsEnd() {
        GateCommandTest.Run r = gateOf(BeforeTheWindow.FROZEN);

        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.out()).containsPattern("FAIL\\s+holds open at the end\\s+ramp frozen until 2025-10-10T19:00:18.500Z")
                // the 40 errors of 19:00 are carried in, not counted: the window's own 2,700 requests are clean
                .containsPattern("PASS\\s+availability\\s+100% \\(0 bad of 2,700 requests")
                // the engine rolled the raised step back while frozen; error-budget fired before the window and is not listed
                .containsPattern("FAIL\\s+tripwires fired\\s+ramp-freeze ×1 \\(first 2025-10-09T23:00:00.250Z\\)\\n")
                // the error budget fired at 19:00:18.5 (the 19th error) on the 24h before it: the replay begins 48h before the window
                .contains("carried in: replayed from 2025-10-07T21:00:00Z, 48h before the window (the rules' longest reach, "
                        + "error-budget: 24h window + 24h freeze-for); events before 2025-10-09T21:00:00Z build state and are not counted");
    }

    @Test
    void aResidencyHoldOpenedDaysBeforeTheLookbackIsReadBackToItsOpening() throws Exception {
        GateCommandTest.Run r = gateOf(BeforeTheWindow.HELD, "--json");

        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
        JsonNode j = new ObjectMapper().readTree(r.out());
        // the DENY of 23:00 aborts its op (every DENY does) but opens no second hold: the one of 5 October is still open
        assertThat(j.get("checks").get(3).get("figure").asText()).isEqualTo("residency-violation ×1 (first 2025-10-09T23:00:00.500Z)");
        assertThat(j.get("checks").get(4).get("figure").asText()).isEqualTo("residency hold since 2025-10-05T00:00:00Z (no override)");
        JsonNode carried = j.get("carriedIn");
        assertThat(carried.get("replayedFrom").asText()).isEqualTo("2025-10-05T00:00:00Z");
        assertThat(carried.get("readBack")).singleElement().satisfies(h -> {
            assertThat(h.get("what").asText()).isEqualTo("residency-violation REQUIRE_HITL of TENANT_HELD (scope TENANT_HELD)");
            assertThat(h.get("since").asText()).isEqualTo("2025-10-05T00:00:00Z");
        });
        assertThat(carried.get("couldNotLookBack").size()).isZero();
    }

    @Test
    void aHoldReleasedBeforeTheWindowAndAFreezeThatEndedBeforeItArePassed() {
        for (String tenant : new String[] {BeforeTheWindow.RELEASED, BeforeTheWindow.THAWED}) {
            GateCommandTest.Run r = gateOf(tenant);
            assertThat(r.exit()).as(tenant + "\n" + r.out() + r.err()).isZero();
            assertThat(r.out()).containsPattern("PASS\\s+holds open at the end\\s+none").containsPattern("PASS\\s+tripwires fired\\s+none");
        }
        // THAWED's error-budget key, fired at 12:00:02.5 on 7 October, was still firing when the lookback begins (21:00): the replay
        // begins its own reach (48h) before that firing, so that it fires again as it did, resolves as it did, and not in the window
        assertThat(gateOf(BeforeTheWindow.THAWED).out()).contains("carried in: replayed from 2025-10-05T12:00:02.500Z, earlier than 48h "
                + "before the window (the rules' longest reach, error-budget: 24h window + 24h freeze-for) for what was still open then",
                "read back to 2025-10-05T12:00:02.500Z for error-budget ROLLBACK_LAST_STEP of TENANT_THAWED (scope api), open since "
                        + "2025-10-07T12:00:02.500Z");
    }

    @Test
    void theWindowsOwnEventsAloneWouldHaveMissedBoth(@TempDir Path alone) throws Exception {
        // the control: the same window's events without what came before: the frozen tenant PASSes, the held one is held since 23:00
        var key = Ed25519Keys.readPrivate(Path.of("..", "test-data", "story-keys", "private.pem"));
        var windowOnly = BeforeTheWindow.events(END, "dpo@example.org", "dpo-2025", key).stream()
                .filter(e -> !BeforeTheWindow.ts(e).isBefore(END.minus(BeforeTheWindow.WINDOW))).toList();
        String only = BeforeTheWindow.write(windowOnly, alone.resolve("window-only.jsonl")).toString();

        GateCommandTest.Run frozen = gate(concat(new String[] {"--tenant", BeforeTheWindow.FROZEN, "--input", only}, WINDOW));
        assertThat(frozen.exit()).as(frozen.out()).isZero();
        GateCommandTest.Run held = gate(concat(new String[] {"--tenant", BeforeTheWindow.HELD, "--input", only}, WINDOW));
        assertThat(held.out()).containsPattern("FAIL\\s+holds open at the end\\s+residency hold since 2025-10-09T23:00:00.500Z");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
