package io.tripwire.cli.scripts;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * config/scripts/aa_expansion_rollout.sh ramp: a step is recorded on the rollout topic (which
 * begins a canary stage), then {@code tripwire gate --canary} decides the soak: PASS moves on,
 * FAIL stops the ramp, INCONCLUSIVE falls back on the soak timer. The tripwire command is a stub
 * that logs its arguments (and the rollout line it is given) and answers the gate from a list.
 */
class RolloutScriptTest {

    private static final Path SCRIPT = Path.of("..", "config", "scripts", "aa_expansion_rollout.sh").toAbsolutePath().normalize();

    record Run(int exit, String out, List<String> calls) {
    }

    private static Run ramp(Path dir, String gateExits, String... args) throws Exception {
        Path stub = dir.resolve("tripwire");
        Files.writeString(stub, """
                #!/usr/bin/env bash
                dir="$(dirname "$0")"
                if [[ $1 == produce ]]; then echo "produce $(cat "$3")" >> "$dir/calls"; exit 0; fi
                echo "$*" >> "$dir/calls"
                n=$(wc -l < "$dir/answered" 2>/dev/null || echo 0)
                echo x >> "$dir/answered"
                exit "$(sed -n "$((n + 1))p" "$dir/exits")"
                """);
        stub.toFile().setExecutable(true);
        Files.write(dir.resolve("exits"), List.of(gateExits.split(",")));
        ProcessBuilder pb = new ProcessBuilder(new java.util.ArrayList<>(List.of("bash", SCRIPT.toString(), "ramp")));
        pb.command().addAll(List.of(args));
        pb.environment().put("TRIPWIRE", stub.toString());
        pb.environment().put("TRIPWIRE_BOOTSTRAP_SERVERS", "broker:9092");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Path calls = dir.resolve("calls");
        return new Run(p.exitValue(), out, Files.exists(calls) ? Files.readAllLines(calls) : List.of());
    }

    @Test
    void aPassingCanaryMovesOnAtOnceAndAFailingOneStopsTheRamp(@TempDir Path dir) throws Exception {
        Run r = ramp(dir, "0,1", "--tenant", "TENANT_004", "--steps", "2,10,25", "--region", "eu-west-1", "--version", "v2",
                "--check-every", "1", "--soak", "30s");
        assertThat(r.exit()).as(r.out()).isEqualTo(1);
        assertThat(r.out()).contains("step 2%: canary PASS", "step 10%: canary FAIL (the engine rolls it back): ramp stopped");
        assertThat(r.calls()).hasSize(4);
        assertThat(r.calls().get(0)).startsWith("produce {\"type\":\"rollout\",").contains("\"tenant\":\"TENANT_004\"", "\"stepPercent\":2,",
                "\"previousPercent\":0", "\"region\":\"eu-west-1\"", "\"version\":\"v2\"");
        assertThat(r.calls().get(1)).isEqualTo("gate --canary --tenant TENANT_004 --window 1d --bootstrap-server broker:9092");
        assertThat(r.calls().get(2)).contains("\"stepPercent\":10,", "\"previousPercent\":2");
        assertThat(r.calls()).noneMatch(c -> c.contains("\"stepPercent\":25"));
    }

    @Test
    void unfreezeSignsAnErrorBudgetOverrideWithTheApproversKey(@TempDir Path dir) throws Exception {
        Path stub = dir.resolve("tripwire");
        Files.writeString(stub, "#!/usr/bin/env bash\necho \"$*\" >> \"$(dirname \"$0\")/calls\"\n");
        stub.toFile().setExecutable(true);
        Path key = Files.writeString(dir.resolve("sre.pem"), "not read by the stub");
        ProcessBuilder pb = new ProcessBuilder("bash", SCRIPT.toString(), "unfreeze", "--tenant", "TENANT_004", "--token", "CHG-1234",
                "--valid-for", "30m");
        pb.environment().put("TRIPWIRE", stub.toString());
        pb.environment().put("TRIPWIRE_BOOTSTRAP_SERVERS", "broker:9092");
        pb.environment().put("TRIPWIRE_APPROVER", "sre-oncall");
        pb.environment().put("TRIPWIRE_APPROVER_KEY", key.toString());
        pb.environment().put("TRIPWIRE_APPROVER_KEY_ID", "sre-2026");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(Files.readAllLines(dir.resolve("calls"))).containsExactly("override --tenant TENANT_004 --tripwire error-budget --token CHG-1234 "
                + "--by sre-oncall --signing-key " + key + " --key-id sre-2026 --valid-for 30m --bootstrap-server broker:9092");

        // without a key it says what to set and sends nothing
        pb.environment().remove("TRIPWIRE_APPROVER_KEY");
        Process q = pb.start();
        String said = new String(q.getInputStream().readAllBytes());
        assertThat(q.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(q.exitValue()).isEqualTo(2);
        assertThat(said).contains("set TRIPWIRE_APPROVER_KEY (private PEM) and TRIPWIRE_APPROVER_KEY_ID");
        assertThat(Files.readAllLines(dir.resolve("calls"))).hasSize(1);
    }

    @Test
    void anInconclusiveCanaryFallsBackOnTheSoakTimer(@TempDir Path dir) throws Exception {
        Run r = ramp(dir, "3,3,3,0", "--tenant", "T", "--steps", "2,100", "--check-every", "1", "--soak", "2s");
        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).contains("step 2%: INCONCLUSIVE after the 2s soak: moving on", "tenant T at 100%");
        assertThat(r.calls()).filteredOn(c -> c.startsWith("gate")).hasSize(2);
    }
}
