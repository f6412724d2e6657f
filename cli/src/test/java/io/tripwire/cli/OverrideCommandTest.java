package io.tripwire.cli;

import io.tripwire.engine.approvals.OverrideCheck;
import io.tripwire.engine.approvals.UsedTokens;
import io.tripwire.engine.rules.Rules;
import io.tripwire.engine.rules.RulesLoader;
import io.tripwire.engine.tripwires.TripwireKinds;
import io.tripwire.json.JsonForm;
import io.tripwire.schemas.HumanOverride;
import io.tripwire.signing.Ed25519Keys;
import io.tripwire.signing.OverrideSignatures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class OverrideCommandTest {

    private static final Path STORY_RULES = Path.of("..", "test-data", "story-rules.yaml");
    private static final Path STORY_KEY = Path.of("..", "test-data", "story-keys", "private.pem");

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return new CommandLine(new OverrideCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    }

    private static List<String> signed(String... more) {
        List<String> a = new ArrayList<>(List.of("--tenant", "TENANT_005", "--tripwire", "residency-violation", "--token", "tok-7",
                "--by", "dpo@example.org", "--signing-key", STORY_KEY.toString(), "--key-id", "dpo-2025",
                "--rules", STORY_RULES.toString()));
        a.addAll(List.of(more));
        return a;
    }

    @Test
    void refusesAnUnknownTripwireIdWithTheValidOnesAndExitCode2() {
        // no broker at this address: the id must be refused before anything is sent
        int code = run("--tenant", "TENANT_005", "--tripwire", "residency-violaton", "--token", "tok-1",
                "--by", "dpo@example.org", "--signing-key", STORY_KEY.toString(), "--key-id", "dpo-2025",
                "--bootstrap-server", "127.0.0.1:1", "--timeout", "1s");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).startsWith("tripwire override: unknown tripwire 'residency-violaton'; valid ids: ")
                .contains("residency-violation", "error-budget", "purpose-missing", "ramp-freeze");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void dryRunPrintsASignedRecordThatTheStoryRulesHonourAndSendsNothing() throws Exception {
        // no broker at this address: a dry run must not try
        int code = run(signed("--at", "2025-10-06T10:25:00Z", "--valid-for", "30m", "--dry-run",
                "--bootstrap-server", "127.0.0.1:1", "--timeout", "1s").toArray(String[]::new));

        assertThat(code).as(err.toString()).isZero();
        assertThat(err.toString()).isEmpty();
        String line = out.toString().strip();
        assertThat(line).doesNotContain("\n").startsWith("{\"type\":\"override\"");
        HumanOverride o = (HumanOverride) JsonForm.parseLine(line, 1);
        assertThat(o.getTs()).isEqualTo(Instant.parse("2025-10-06T10:25:00Z"));
        assertThat(o.getNotAfter()).isEqualTo(Instant.parse("2025-10-06T10:55:00Z"));
        assertThat(o.getKeyId()).isEqualTo("dpo-2025");
        assertThat(OverrideSignatures.verifies(o, Ed25519Keys.readPublic(Path.of("..", "test-data", "story-keys", "public.pem")).get(0))).isTrue();
        Rules rules = new RulesLoader(TripwireKinds::parse).load(STORY_RULES, List.of(), Map.of());
        assertThat(new OverrideCheck(rules.approvers()).check(o, UsedTokens.none()).honoured()).isTrue();
        // changing a signed field breaks it
        HumanOverride changed = HumanOverride.newBuilder(o).setTenant("TENANT_006").build();
        assertThat(new OverrideCheck(rules.approvers()).check(changed, UsedTokens.none()).reason()).isEqualTo("override-bad-signature");
    }

    @Test
    void notAfterIsTakenAsGivenAndDefaultsToAnHour() {
        assertThat(run(signed("--at", "2025-10-06T10:25:00Z", "--not-after", "2025-10-06T12:00:00Z", "--dry-run").toArray(String[]::new)))
                .isZero();
        assertThat(run(signed("--at", "2025-10-06T10:25:00Z", "--dry-run").toArray(String[]::new))).isZero();
        List<String> lines = out.toString().lines().toList();
        assertThat(((HumanOverride) JsonForm.parseLine(lines.get(0), 1)).getNotAfter()).isEqualTo(Instant.parse("2025-10-06T12:00:00Z"));
        assertThat(((HumanOverride) JsonForm.parseLine(lines.get(1), 2)).getNotAfter()).isEqualTo(Instant.parse("2025-10-06T11:25:00Z"));
    }

    @Test
    void refusesToSignAnApprovalThatIsVoidAlready() {
        int code = run(signed("--at", "2025-10-06T10:25:00Z", "--not-after", "2025-10-06T10:00:00Z", "--dry-run").toArray(String[]::new));

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("not signing an approval that is void already", "2025-10-06T10:00:00Z");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void refusesBothValidForAndNotAfter() {
        assertThat(run(signed("--valid-for", "5m", "--not-after", "2030-01-01T00:00:00Z", "--dry-run").toArray(String[]::new))).isEqualTo(2);
        assertThat(err.toString()).contains("--valid-for or --not-after, not both");
    }

    @Test
    void anUnreadableKeyIsNamed(@TempDir Path dir) throws Exception {
        Path bad = Files.writeString(dir.resolve("not-a-key.pem"), "hello\n");
        List<String> args = signed("--dry-run");
        args.set(args.indexOf(STORY_KEY.toString()), bad.toString());

        assertThat(run(args.toArray(String[]::new))).isEqualTo(2);
        assertThat(err.toString()).startsWith("tripwire override: --signing-key " + bad);
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void warnsWhenTheRulesWouldRefuseTheOverride() {
        // a key id the story rules do not trust; and a tripwire the story approver may not override
        List<String> untrusted = signed("--at", "2025-10-06T10:25:00Z", "--dry-run");
        untrusted.set(untrusted.indexOf("dpo-2025"), "someone-else");
        assertThat(run(untrusted.toArray(String[]::new))).isZero();
        assertThat(err.toString()).contains("warning: an engine with the rules " + STORY_RULES + " would refuse this override, "
                + "override-untrusted-key: key someone-else is not one of the rules' approvers");

        List<String> notPermitted = signed("--at", "2025-10-06T10:25:00Z", "--dry-run");
        notPermitted.set(notPermitted.indexOf("residency-violation"), "purpose-missing");
        assertThat(run(notPermitted.toArray(String[]::new))).isZero();
        assertThat(err.toString()).contains("override-not-permitted");
        assertThat(out.toString().lines()).hasSize(2);
    }

    @Test
    void helpShowsExamples() {
        StringWriter help = new StringWriter();
        new CommandLine(new TripwireCli()).setOut(new PrintWriter(help)).execute("override", "--help");

        assertThat(help.toString()).contains("Examples:", "--tripwire residency-violation", "--command-config", "--signing-key", "--dry-run");
    }
}
