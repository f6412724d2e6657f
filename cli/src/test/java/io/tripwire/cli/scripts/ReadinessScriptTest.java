package io.tripwire.cli.scripts;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * config/scripts/tenant_readiness_check.sh: the gate on the cluster's topics, with the packet's warm-up check
 * ({@code --cache-hit 0.92}) added for the tenants with a cache warm plan. The tripwire command is a stub that
 * logs its arguments and exits with the code the test gives it.
 */
class ReadinessScriptTest {

    private static final Path SCRIPT = Path.of("..", "config", "scripts", "tenant_readiness_check.sh").toAbsolutePath().normalize();

    record Run(int exit, String call) {
    }

    private static Run check(Path dir, int gateExit, Map<String, String> env, String... args) throws Exception {
        Path stub = dir.resolve("tripwire");
        Files.writeString(stub, "#!/usr/bin/env bash\necho \"$*\" > \"$(dirname \"$0\")/call\"\nexit " + gateExit + "\n");
        stub.toFile().setExecutable(true);
        List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("TRIPWIRE", stub.toString());
        pb.environment().put("TRIPWIRE_BOOTSTRAP_SERVERS", "broker:9092");
        pb.environment().remove("TRIPWIRE_CACHE_WARM_TENANTS");
        pb.environment().remove("TRIPWIRE_CACHE_HIT");
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        Process p = pb.start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), Files.readString(dir.resolve("call")).strip());
    }

    @Test
    void thePacketsCacheWarmTenantIsCheckedForWarmUpAndOthersAreNot(@TempDir Path dir) throws Exception {
        Run t4 = check(dir, 0, Map.of(), "--tenant", "TENANT_004", "--window", "14d", "--slo", "0.994");
        assertThat(t4.call()).isEqualTo("gate --bootstrap-server broker:9092 --tenant TENANT_004 --window 14d --slo 0.994 --cache-hit 0.92");
        Run t2 = check(dir, 0, Map.of(), "--tenant", "TENANT_002", "--window", "14d", "--slo", "0.994");
        assertThat(t2.call()).isEqualTo("gate --bootstrap-server broker:9092 --tenant TENANT_002 --window 14d --slo 0.994");
    }

    @Test
    void theCommandLineAndTheEnvironmentDecideTheFloorAndTheTenants(@TempDir Path dir) throws Exception {
        assertThat(check(dir, 0, Map.of(), "--tenant", "TENANT_004", "--cache-hit", "0.95").call())
                .isEqualTo("gate --bootstrap-server broker:9092 --tenant TENANT_004 --cache-hit 0.95");
        assertThat(check(dir, 0, Map.of("TRIPWIRE_CACHE_WARM_TENANTS", "TENANT_002,TENANT_007", "TRIPWIRE_CACHE_HIT", "0.9"),
                "--tenant=TENANT_007").call()).isEqualTo("gate --bootstrap-server broker:9092 --tenant=TENANT_007 --cache-hit 0.9");
        assertThat(check(dir, 0, Map.of("TRIPWIRE_CACHE_WARM_TENANTS", ""), "--tenant", "TENANT_004").call())
                .isEqualTo("gate --bootstrap-server broker:9092 --tenant TENANT_004");
    }

    @Test
    void theGatesExitCodeIsTheScripts(@TempDir Path dir) throws Exception {
        assertThat(check(dir, 1, Map.of(), "--tenant", "TENANT_004").exit()).isEqualTo(1);
        assertThat(check(dir, 3, Map.of(), "--tenant", "TENANT_001").exit()).isEqualTo(3);
    }
}
