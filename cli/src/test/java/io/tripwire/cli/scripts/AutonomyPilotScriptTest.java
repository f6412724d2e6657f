package io.tripwire.cli.scripts;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * config/scripts/autonomy_pilot.sh, the packet's commands and the executor's handlers, against a stub
 * {@code tripwire} that logs its arguments and answers {@code gate} with a table in the real gate's
 * layout and the exit code a test gives it: {@code enact} sends the approval only after the gate
 * says the simulation passed, {@code status} and {@code simulate} print the gate's figures and pass
 * its verdict on. AutonomyPilotScriptIT runs the same script with the real jar on a real broker.
 */
class AutonomyPilotScriptTest {

    private static final Path SCRIPT = Path.of("..", "config", "scripts", "autonomy_pilot.sh").toAbsolutePath().normalize();

    /** What the real gate prints for a pilot over its morning (AutonomyGate.print), one row per check asked. */
    private static final String SIMULATION_ROW = """
              %-13s simulation delta         %s
                                                     rule: simulation delta < 0.5%%: PASS when COMPENSATED / decided SIMULATE ops (proposals that production did otherwise) is below 0.005 and its e-value for "below" reaches 20, FAIL when it is above and the e-value for "above" does, on at least 100 decided ops (rule simulation-delta: beta-binomial mixture, prior strength 100, 95%% confidence); n/a without decided SIMULATE ops
            """;
    private static final String ENACT_ROWS = """
              FAIL          autonomy rate            211 of 214 decided ENACT ops autonomous (98.6%); e(below) 48.4, e(above) 0.0319; needs 20
                                                     rule: autonomy rate >= 99.9%: PASS when AUTONOMOUS / decided ENACT ops (ops done with no human) is above 0.999 and its e-value for "above" reaches 20, FAIL when it is below and the e-value for "below" does, on at least 100 decided ops (rule autonomy-rate: beta-binomial mixture, prior strength 100, 95% confidence); n/a without decided ENACT ops
              FAIL          compensation rate        6 of 214 decided ENACT ops compensated (2.804%); e(below) 0.0684, e(above) 58.6; needs 20
                                                     rule: compensation rate < 0.5%: PASS when COMPENSATED / decided ENACT ops (ops undone) is below 0.005 and its e-value for "below" reaches 20, FAIL when it is above and the e-value for "above" does, on at least 100 decided ops (rule autonomy-compensation: beta-binomial mixture, prior strength 100, 95% confidence); n/a without decided ENACT ops
            """;
    private static final String TAIL = """
              hitl overrides: 3 of 214 decided ENACT ops done by a human (1.402%)
              approval CHG-PILOT-1 by pilot-lead@example.org (key pilot-2025) at 2025-10-06T09:55:01Z: ended 2025-10-06T10:35:05Z by autonomy-compensation THROTTLE_AUTONOMY
              refused CHG-PILOT-0 by pilot-lead@example.org at 2025-10-06T09:30:01Z: override of simulation-delta by pilot-lead@example.org (token CHG-PILOT-0) refused, override-simulation-not-passed: simulation delta 0 (0 / 600 over 24h) is not yet significantly below 0.005: e = 11.1 < 20 at 95% confidence
              loop tripwires fired: autonomy-compensation ENTER_SIMULATE ×1, autonomy-compensation THROTTLE_AUTONOMY ×1, autonomy-rate ALERT ×1
              replayed from 2025-10-05T09:00:00Z (one autonomy window earlier), so approvals are judged on what the engine saw
              rule: FAIL if a check FAILs; PASS if every check with ops PASSes; INCONCLUSIVE otherwise (also when all are n/a)
            """;

    private static String table(String verdict, String rows) {
        return "gate --autonomy TENANT_001 over 2025-10-06T09:00:00Z .. 2025-10-06T11:00:00Z: " + verdict + "\n" + rows + TAIL;
    }

    private static String simulation(String verdict, String figure) {
        return SIMULATION_ROW.formatted(verdict, figure);
    }

    record Run(int exit, String out, String err, List<String> calls) {
    }

    /** Runs the script with {@code env} and a stub tripwire whose gate prints {@code gateTable} and exits {@code gateExit}. */
    private static Run run(Path dir, Map<String, String> env, int gateExit, String gateTable, String... args) throws Exception {
        Path stub = dir.resolve("tripwire");
        Files.writeString(stub, """
                #!/usr/bin/env bash
                dir="$(dirname "$0")"
                echo "$*" >> "$dir/calls"
                if [[ $1 == gate ]]; then cat "$dir/gate.out"; exit "$(cat "$dir/gate.exit")"; fi
                if [[ $1 == override ]]; then echo "sent override to hitl-overrides (stub)"; exit "$(cat "$dir/override.exit")"; fi
                exit 9
                """);
        stub.toFile().setExecutable(true);
        Files.writeString(dir.resolve("gate.out"), gateTable);
        Files.writeString(dir.resolve("gate.exit"), Integer.toString(gateExit));
        if (!Files.exists(dir.resolve("override.exit"))) {
            Files.writeString(dir.resolve("override.exit"), "0");
        }
        Files.deleteIfExists(dir.resolve("calls"));
        List<String> cmd = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("ACTION_ID");
        pb.environment().put("TRIPWIRE", stub.toString());
        pb.environment().put("TRIPWIRE_BOOTSTRAP_SERVERS", "broker:9092");
        pb.environment().putAll(env);
        Path out = dir.resolve("stdout");
        Path err = dir.resolve("stderr");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Path calls = dir.resolve("calls");
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err), Files.exists(calls) ? Files.readAllLines(calls) : List.of());
    }

    private static Map<String, String> approver(Path dir) throws Exception {
        Path key = Files.writeString(dir.resolve("pilot.pem"), "not read by the stub");
        Map<String, String> env = new HashMap<>();
        env.put("TRIPWIRE_APPROVER", "pilot-lead@example.org");
        env.put("TRIPWIRE_APPROVER_KEY", key.toString());
        env.put("TRIPWIRE_APPROVER_KEY_ID", "pilot-2026");
        env.put("TRIPWIRE_RULES", "/etc/tripwire/rules.yaml");
        return env;
    }

    @Test
    void enactRefusesASimulationThatHasNotPassedWithTheGatesFigureAndSendsNothing(@TempDir Path dir) throws Exception {
        Run r = run(dir, approver(dir), 3, table("INCONCLUSIVE", simulation("INCONCLUSIVE",
                "0 of 360 decided SIMULATE ops compensated (0%); e(below) 4.01, e(above) 0.283; needs 20")),
                "enact", "--tenant", "TENANT_002", "--approval-token", "CHG-1");

        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        assertThat(r.calls()).containsExactly("gate --autonomy --tenant TENANT_002 --check simulation --rules /etc/tripwire/rules.yaml "
                + "--bootstrap-server broker:9092");
        assertThat(r.err()).hasLineCount(1).startsWith("autonomy_pilot.sh enact: refused, nothing sent: the simulation of tenant TENANT_002 "
                + "has not passed (INCONCLUSIVE): 0 of 360 decided SIMULATE ops compensated (0%); e(below) 4.01, e(above) 0.283; needs 20");
        assertThat(r.out()).doesNotContain("ENACT");
    }

    @Test
    void enactRefusesADriftingSimulation(@TempDir Path dir) throws Exception {
        Run r = run(dir, approver(dir), 1, table("FAIL", simulation("FAIL",
                "31 of 1,000 decided SIMULATE ops compensated (3.1%); e(below) 0.0135, e(above) 1.80e12; needs 20")),
                "enact", "--tenant", "PILOT", "--approval-token", "CHG-1");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.calls()).singleElement().asString().startsWith("gate ");
        assertThat(r.err()).contains("the simulation of tenant PILOT FAILs (delta significantly above 0.5%): 31 of 1,000 decided SIMULATE ops "
                + "compensated (3.1%)", "simulation-delta BLOCK_ENACT");
    }

    @Test
    void enactSendsTheSignedApprovalOnceTheSimulationPassed(@TempDir Path dir) throws Exception {
        Map<String, String> env = approver(dir);
        env.put("TRIPWIRE_FORMAT", "json");
        env.put("TRIPWIRE_SCHEMA_REGISTRY_URL", "http://registry:8081");

        Run r = run(dir, env, 0, table("PASS", simulation("PASS",
                "0 of 1,349 decided SIMULATE ops compensated (0%); e(below) 332, e(above) 0.0986; needs 20")),
                "enact", "--tenant", "TENANT_001", "--approval-token", "CHG-PILOT-2", "--valid-for", "30m");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.calls()).containsExactly(
                "gate --autonomy --tenant TENANT_001 --check simulation --rules /etc/tripwire/rules.yaml --bootstrap-server broker:9092 "
                        + "--schema-registry-url http://registry:8081",
                "override --tenant TENANT_001 --tripwire simulation-delta --token CHG-PILOT-2 --by pilot-lead@example.org --signing-key "
                        + dir.resolve("pilot.pem") + " --key-id pilot-2026 --valid-for 30m --rules /etc/tripwire/rules.yaml --format json "
                        + "--bootstrap-server broker:9092 --schema-registry-url http://registry:8081");
        assertThat(r.out()).contains("simulation of tenant TENANT_001 passed: 0 of 1,349 decided SIMULATE ops compensated (0%)",
                "sent override to hitl-overrides (stub)", "would switch the autonomy pilot of tenant TENANT_001 to ENACT mode (approval CHG-PILOT-2)");
    }

    @Test
    void enactAsksNothingWithoutAnApproverKeyAndSaysSoWhenTheGateOrTheSendingFails(@TempDir Path dir) throws Exception {
        String passing = table("PASS", simulation("PASS", "0 of 1,349 decided SIMULATE ops compensated (0%); e(below) 332, e(above) 0.0986; needs 20"));
        Map<String, String> noKey = approver(dir);
        noKey.remove("TRIPWIRE_APPROVER_KEY");
        Run r = run(dir, noKey, 0, passing, "enact", "--tenant", "TENANT_001", "--approval-token", "CHG-1");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).hasLineCount(1).contains("set TRIPWIRE_APPROVER_KEY (private PEM) and TRIPWIRE_APPROVER_KEY_ID");
        assertThat(r.calls()).isEmpty();

        // the gate cannot read the cluster: an error, not a refusal, and nothing sent
        Run down = run(dir, approver(dir), 2, "", "enact", "--tenant", "TENANT_001", "--approval-token", "CHG-1");
        assertThat(down.exit()).isEqualTo(2);
        assertThat(down.err()).contains("tripwire gate --autonomy failed (exit 2)");
        assertThat(down.calls()).noneMatch(c -> c.startsWith("override"));

        // the approval does not reach the broker
        Files.writeString(dir.resolve("override.exit"), "1");
        Run lost = run(dir, approver(dir), 0, passing, "enact", "--tenant", "TENANT_001", "--approval-token", "CHG-1");
        assertThat(lost.exit()).isEqualTo(2);
        assertThat(lost.err()).contains("the approval was not sent (tripwire override exit 1)");
        assertThat(lost.out()).doesNotContain("would switch");
    }

    @Test
    void statusPrintsTheAskedFiguresInOrderWithTheirTargetsAndPassesTheVerdictOn(@TempDir Path dir) throws Exception {
        Run r = run(dir, Map.of(), 1, table("FAIL", ENACT_ROWS), "status", "--tenant", "TENANT_001", "--window", "24h",
                "--metrics", "autonomy,compensation,hitl", "--at", "2025-10-06T11:00:00Z");

        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        assertThat(r.calls()).containsExactly("gate --autonomy --tenant TENANT_001 --window 24h --check autonomy,compensation "
                + "--at 2025-10-06T11:00:00Z --bootstrap-server broker:9092");
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("autonomy pilot of tenant TENANT_001 over 2025-10-06T09:00:00Z .. 2025-10-06T11:00:00Z: FAIL");
        assertThat(lines.get(1)).matches("  autonomy rate +FAIL +211 of 214 decided ENACT ops autonomous \\(98.6%\\); e\\(below\\) 48.4, "
                + "e\\(above\\) 0.0319; needs 20 \\(target: >= 99.9%\\)");
        assertThat(lines.get(2)).matches("  compensation rate +FAIL +6 of 214 decided ENACT ops compensated \\(2.804%\\).* \\(target: < 0.5%\\)");
        assertThat(lines.get(3)).matches("  hitl overrides +3 of 214 decided ENACT ops done by a human \\(1.402%\\)");
        assertThat(lines.subList(4, lines.size())).containsExactly(
                "  approval CHG-PILOT-1 by pilot-lead@example.org (key pilot-2025) at 2025-10-06T09:55:01Z: ended 2025-10-06T10:35:05Z "
                        + "by autonomy-compensation THROTTLE_AUTONOMY",
                "  refused CHG-PILOT-0 by pilot-lead@example.org at 2025-10-06T09:30:01Z: override of simulation-delta by pilot-lead@example.org "
                        + "(token CHG-PILOT-0) refused, override-simulation-not-passed: simulation delta 0 (0 / 600 over 24h) is not yet "
                        + "significantly below 0.005: e = 11.1 < 20 at 95% confidence",
                "  loop tripwires fired: autonomy-compensation ENTER_SIMULATE ×1, autonomy-compensation THROTTLE_AUTONOMY ×1, autonomy-rate ALERT ×1");
    }

    @Test
    void statusOfTheHitlCountAloneDecidesNothing(@TempDir Path dir) throws Exception {
        Run r = run(dir, Map.of(), 1, table("FAIL", ENACT_ROWS), "status", "--tenant", "TENANT_001", "--metrics", "hitl");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.calls()).containsExactly("gate --autonomy --tenant TENANT_001 --window 24h --check enact --bootstrap-server broker:9092");
        assertThat(r.out()).startsWith("autonomy pilot of tenant TENANT_001 over 2025-10-06T09:00:00Z .. 2025-10-06T11:00:00Z\n")
                .contains("hitl overrides").doesNotContain("autonomy rate", "FAIL");
    }

    @Test
    void statusJsonIsTheGatesJsonAndABadMetricIsRefusedBeforeAsking(@TempDir Path dir) throws Exception {
        Run json = run(dir, Map.of(), 3, "{\"tenant\" : \"TENANT_002\", \"verdict\" : \"INCONCLUSIVE\"}\n", "status", "--tenant", "TENANT_002",
                "--metrics", "simulation", "--json");
        assertThat(json.exit()).isEqualTo(3);
        assertThat(json.out()).isEqualTo("{\"tenant\" : \"TENANT_002\", \"verdict\" : \"INCONCLUSIVE\"}\n");
        assertThat(json.calls()).containsExactly("gate --autonomy --tenant TENANT_002 --window 24h --check simulation --json "
                + "--bootstrap-server broker:9092");

        Run bad = run(dir, Map.of(), 0, "", "status", "--tenant", "TENANT_001", "--metrics", "autonomy,latency");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).hasLineCount(1).startsWith("autonomy_pilot.sh status: --metrics: 'latency' is not a metric");
        assertThat(bad.calls()).isEmpty();
    }

    @Test
    void simulateReportsTheDeltaAgainstProductionWithTheGatesVerdict(@TempDir Path dir) throws Exception {
        Run r = run(dir, Map.of(), 1, table("FAIL", simulation("FAIL",
                "31 of 1,000 decided SIMULATE ops compensated (3.1%); e(below) 0.0135, e(above) 1.80e12; needs 20")),
                "simulate", "--tenant", "TENANT_001", "--window", "24h", "--compare", "production");

        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        assertThat(r.calls()).containsExactly("gate --autonomy --tenant TENANT_001 --window 24h --check simulation --bootstrap-server broker:9092");
        assertThat(r.out()).startsWith("simulation delta of tenant TENANT_001 over 2025-10-06T09:00:00Z .. 2025-10-06T11:00:00Z, "
                        + "proposals compared with production: FAIL\n"
                        + "  31 of 1,000 decided SIMULATE ops compensated (3.1%); e(below) 0.0135, e(above) 1.80e12; needs 20 (target: < 0.5%)\n")
                .contains("significantly above 0.5%: the engine fires simulation-delta (ALERT, BLOCK_ENACT)", "loop tripwires fired:");

        Run passing = run(dir, Map.of(), 0, table("PASS", simulation("PASS", "0 of 1,200 decided SIMULATE ops compensated (0%)")),
                "simulate", "--tenant", "TENANT_001");
        assertThat(passing.exit()).isZero();
        assertThat(passing.out()).contains(": PASS\n", "enact --tenant TENANT_001 --approval-token TOKEN");
    }

    @Test
    void simulateComparesWithProductionOnly(@TempDir Path dir) throws Exception {
        Run r = run(dir, Map.of(), 0, "", "simulate", "--tenant", "TENANT_001", "--compare", "staging");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).hasLineCount(1).contains("--compare: only 'production'");
        assertThat(r.calls()).isEmpty();
    }

    @Test
    void enablePrintsWhatItWouldDoAndTheNextStepAndAsksNothing(@TempDir Path dir) throws Exception {
        Run r = run(dir, Map.of(), 0, "", "enable", "--tenant", "TENANT_001", "--scope", "read-only-derived", "--simulate", "60m");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.calls()).isEmpty();
        assertThat(r.out()).startsWith("would start the autonomy pilot of tenant TENANT_001 (scope read-only-derived) in SIMULATE mode for 60m")
                .contains("autonomy_pilot.sh simulate --tenant TENANT_001 --window 24h --compare production",
                        "autonomy_pilot.sh enact --tenant TENANT_001 --approval-token TOKEN");

        Run noDuration = run(dir, Map.of(), 0, "", "enable", "--tenant", "TENANT_001");
        assertThat(noDuration.exit()).isEqualTo(2);
        assertThat(noDuration.err()).isEqualTo("autonomy_pilot.sh enable: --simulate DURATION is required, e.g. 60m "
                + "(see autonomy_pilot.sh enable --help)\n");
        Run wrongOption = run(dir, Map.of(), 0, "", "enable", "--tenant", "TENANT_001", "--simulate", "60m", "--approval-token", "X");
        assertThat(wrongOption.exit()).isEqualTo(2);
        assertThat(wrongOption.err()).contains("--approval-token is not an option of enable");
    }

    @Test
    void theExecutorsHandlersNeedTheActionIdAndTheOldSimulateHandlerStillWorks(@TempDir Path dir) throws Exception {
        Map<String, String> executor = Map.of("ACTION_ID", "3f2a");
        assertThat(run(dir, executor, 0, "", "enter-simulate", "--tenant", "TENANT_001").out())
                .isEqualTo("would put the autonomy pilot of tenant TENANT_001 back into simulate mode (idempotency key 3f2a)\n");
        assertThat(run(dir, executor, 0, "", "block", "--tenant", "TENANT_001").out()).contains("would block enacting", "3f2a");
        assertThat(run(dir, executor, 0, "", "throttle", "--tenant", "TENANT_001", "--to", "0").out())
                .isEqualTo("would throttle autonomous ops of tenant TENANT_001 to 0 (idempotency key 3f2a)\n");
        assertThat(run(dir, executor, 0, "", "throttle", "--tenant", "TENANT_001", "--to", "25%").exit()).isEqualTo(2);

        Run noId = run(dir, Map.of(), 0, "", "enter-simulate", "--tenant", "TENANT_001");
        assertThat(noId.exit()).isEqualTo(2);
        assertThat(noId.err()).contains("ACTION_ID must be set");

        // an executor config from before the rename: simulate --tenant T with ACTION_ID re-enters simulate mode, asking nothing
        Run legacy = run(dir, executor, 0, "", "simulate", "--tenant", "TENANT_001");
        assertThat(legacy.exit()).isZero();
        assertThat(legacy.out()).contains("back into simulate mode (idempotency key 3f2a)");
        assertThat(legacy.err()).contains("now 'enter-simulate'");
        assertThat(legacy.calls()).isEmpty();
        // with the report's options it is the report, even with ACTION_ID set
        assertThat(run(dir, executor, 3, table("INCONCLUSIVE", simulation("INCONCLUSIVE", "0 of 360 decided SIMULATE ops compensated (0%)")),
                "simulate", "--tenant", "TENANT_001", "--compare", "production").exit()).isEqualTo(3);
    }

    @Test
    void everyCommandExplainsItselfWithExamplesAndExitCodes(@TempDir Path dir) throws Exception {
        for (String command : List.of("enable", "enact", "status", "simulate")) {
            Run r = run(dir, Map.of(), 0, "", command, "--help");
            assertThat(r.exit()).as(command).isZero();
            assertThat(r.out()).as(command).startsWith("usage: autonomy_pilot.sh " + command + " --tenant T").contains("Exit codes:", "autonomy_pilot.sh " + command + " --tenant TENANT_001");
            assertThat(r.calls()).isEmpty();
        }
        Run main = run(dir, Map.of(), 0, "", "--help");
        assertThat(main.exit()).isZero();
        assertThat(main.out()).contains("enable", "enact", "status", "simulate", "TRIPWIRE_BOOTSTRAP_SERVERS", "TRIPWIRE_RULES");

        Run unknown = run(dir, Map.of(), 0, "", "approve", "--tenant", "TENANT_001");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).hasLineCount(1).startsWith("autonomy_pilot.sh: unknown command 'approve'");
    }
}
