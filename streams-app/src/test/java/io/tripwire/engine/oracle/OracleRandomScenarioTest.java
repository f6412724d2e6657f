package io.tripwire.engine.oracle;

import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Differential test: seeded random scenarios, the oracle (SPEC section 3 and docs/tripwires.md,
 * computed naively) against the engine. On a mismatch the message names the seed and shows the
 * first differing firing with its context; rerun one seed with -Doracle.seeds=SEED.
 */
class OracleRandomScenarioTest {

    static final int SEEDS = 50;
    static final int EVENTS_PER_SCENARIO = Integer.getInteger("oracle.events", 2500);

    static LongStream seeds() {
        String only = System.getProperty("oracle.seeds");
        if (only != null && !only.isBlank()) {
            return java.util.Arrays.stream(only.split(",")).mapToLong(s -> Long.parseLong(s.trim()));
        }
        return LongStream.rangeClosed(1, SEEDS);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void oracleAndEngineAgree(long seed) {
        Scenario.Generated s = Scenario.generate(seed, EVENTS_PER_SCENARIO);
        SpecOracle.Result oracle = SpecOracle.run(s.config(), s.delivery());
        EngineRun.Result engine = EngineRun.run(s.config(), s.delivery());
        String diff = OracleDiff.firstDifference(oracle.firings(), engine.firings(), s.delivery());
        assertThat(diff).as("%s; %d oracle firings, %d engine firings, %d exact ratio ties%n%s", s.summary(),
                oracle.firings().size(), engine.firings().size(), oracle.ties().size(), diff).isNull();
        assertThat(engine.deadLetters()).as("%s: dead letters (line, reason)", s.summary())
                .containsExactlyElementsOf(oracle.deadLetters());
    }
}
