package io.tripwire.engine.oracle;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Debugging aid, skipped unless {@code -Doracle.dump=SEED[:TENANT]}: writes the scenario of a seed
 * (delivery order, JSON lines with line numbers) and both firing lists to target/oracle-dump-SEED/.
 */
class OracleSeedDumpTest {

    @Test
    void dump() throws Exception {
        String spec = System.getProperty("oracle.dump");
        Assumptions.assumeTrue(spec != null && !spec.isBlank(), "set -Doracle.dump=SEED[:TENANT]");
        String[] parts = spec.split(":", 2);
        long seed = Long.parseLong(parts[0]);
        String tenant = parts.length > 1 ? parts[1] : null;
        Scenario.Generated s = Scenario.generate(seed, OracleRandomScenarioTest.EVENTS_PER_SCENARIO);
        SpecOracle.Result oracle = SpecOracle.run(s.config(), s.delivery());
        EngineRun.Result engine = EngineRun.run(s.config(), s.delivery());
        Path dir = Path.of("target", "oracle-dump-" + seed);
        Files.createDirectories(dir);
        List<String> events = new ArrayList<>();
        for (int i = 0; i < s.delivery().size(); i++) {
            var in = s.delivery().get(i);
            if (tenant == null || Scenario.tenant(in.event()).equals(tenant)) {
                events.add("#" + i + " line " + in.line() + " " + Scenario.describe(in.event()));
            }
        }
        Files.write(dir.resolve("events.txt"), events);
        Files.write(dir.resolve("oracle.txt"), oracle.firings().stream()
                .filter(f -> tenant == null || f.tenant().equals(tenant)).map(Object::toString).toList());
        Files.write(dir.resolve("engine.txt"), engine.firings().stream()
                .filter(f -> tenant == null || f.tenant().equals(tenant)).map(Object::toString).toList());
        Files.write(dir.resolve("summary.txt"), List.of(s.summary(), "ties: " + oracle.ties(),
                "oracle dead: " + oracle.deadLetters(), "engine dead: " + engine.deadLetters()));
        System.out.println("dumped " + s.summary() + " to " + dir.toAbsolutePath());
    }
}
