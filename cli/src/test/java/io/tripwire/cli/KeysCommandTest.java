package io.tripwire.cli;

import io.tripwire.engine.approvals.OverrideCheck;
import io.tripwire.engine.approvals.UsedTokens;
import io.tripwire.engine.rules.Rules;
import io.tripwire.engine.rules.RulesLoader;
import io.tripwire.engine.tripwires.TripwireKinds;
import io.tripwire.json.JsonForm;
import io.tripwire.schemas.HumanOverride;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class KeysCommandTest {

    @Test
    void anApproversPrintedEntryIsARulesEntryThatTrustsOverridesSignedWithItsKey(@TempDir Path dir) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Path keys = dir.resolve("dpo-keys");

        int code = new CommandLine(new KeysCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute("--out", keys.toString(), "--approver", "dpo@example.org", "--may-override", "residency-violation");

        assertThat(code).as(err.toString()).isZero();
        assertThat(keys.resolve("private.pem")).exists();
        List<String> lines = out.toString().lines().toList();
        assertThat(lines.get(1)).startsWith("key id ");
        String keyId = lines.get(1).split(" ")[2];
        // the entry as printed, pasted under a rules file that extends the shipped rules
        String entry = String.join("\n", lines.subList(2, lines.size()));
        Path rulesFile = Files.writeString(dir.resolve("rules.yaml"),
                "extends: " + Path.of("..", "config", "tripwires.yaml").toAbsolutePath() + "\n" + entry + "\n");
        Rules rules = new RulesLoader(TripwireKinds::parse).load(rulesFile, List.of(), Map.of());
        assertThat(rules.approvers()).singleElement().satisfies(a -> {
            assertThat(a.id()).isEqualTo("dpo@example.org");
            assertThat(a.keyId()).isEqualTo(keyId);
            assertThat(a.mayOverride()).containsExactly("residency-violation");
        });

        StringWriter signed = new StringWriter();
        assertThat(new CommandLine(new OverrideCommand()).setOut(new PrintWriter(signed)).setErr(new PrintWriter(err))
                .execute("--tenant", "TENANT_005", "--tripwire", "residency-violation", "--token", "CHG-1", "--by", "dpo@example.org",
                        "--signing-key", keys.resolve("private.pem").toString(), "--key-id", keyId, "--rules", rulesFile.toString(),
                        "--dry-run")).as(err.toString()).isZero();
        assertThat(err.toString()).isEmpty();
        HumanOverride o = (HumanOverride) JsonForm.parseLine(signed.toString().strip(), 1);
        assertThat(new OverrideCheck(rules.approvers()).check(o, UsedTokens.none()).honoured()).isTrue();
    }

    @Test
    void refusesToOverwriteAPrivateKey(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("private.pem"), "keep me");
        StringWriter err = new StringWriter();

        int code = new CommandLine(new KeysCommand()).setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(err))
                .execute("--out", dir.toString());

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("exists; not overwriting it");
        assertThat(Files.readString(dir.resolve("private.pem"))).isEqualTo("keep me");
    }
}
