package io.tripwire.engine.oracle;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Differential test: seeded random scenarios, the oracle (SPEC section 3 and docs/tripwires.md,
 * computed naively) against the engine. On a mismatch the message names the seed and shows the
 * first differing firing with its context; rerun some seeds with {@code -Doracle.seeds=7,12}
 * (and {@code -Doracle.events=N} for another scenario size).
 *
 * <p>Seeds run two at a time (one engine per seed) so that the whole run stays within about a
 * minute on two cores; each seed is still reported as its own test.
 */
class OracleRandomScenarioTest {

    static final int SEEDS = 50;
    static final int EVENTS_PER_SCENARIO = Integer.getInteger("oracle.events", 2500);

    record Outcome(Scenario.Generated scenario, SpecOracle.Result oracle, EngineRun.Result engine, long oracleMs, long engineMs) {
    }

    private static final Map<String, AtomicLong> COVERAGE = new ConcurrentHashMap<>();
    private static final Map<Long, Future<Outcome>> RUNS = new ConcurrentHashMap<>();
    private static ExecutorService pool;

    static LongStream seeds() {
        String only = System.getProperty("oracle.seeds");
        if (only != null && !only.isBlank()) {
            return Arrays.stream(only.split(",")).mapToLong(s -> Long.parseLong(s.trim()));
        }
        return LongStream.rangeClosed(1, SEEDS);
    }

    @BeforeAll
    static void startAll() {
        pool = Executors.newFixedThreadPool(2);
        seeds().forEach(seed -> RUNS.put(seed, pool.submit(() -> compare(seed))));
        pool.shutdown();
    }

    private static Outcome compare(long seed) {
        Scenario.Generated s = Scenario.generate(seed, EVENTS_PER_SCENARIO);
        long t0 = System.nanoTime();
        SpecOracle.Result oracle = SpecOracle.run(s.config(), s.delivery());
        long t1 = System.nanoTime();
        EngineRun.Result engine = EngineRun.run(s.config(), s.delivery());
        long t2 = System.nanoTime();
        return new Outcome(s, oracle, engine, (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);
    }

    private static void count(String what, long n) {
        COVERAGE.computeIfAbsent(what, k -> new AtomicLong()).addAndGet(n);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void oracleAndEngineAgree(long seed) throws Exception {
        Outcome o = RUNS.get(seed).get();
        Scenario.Generated s = o.scenario();
        SpecOracle.Result oracle = o.oracle();
        EngineRun.Result engine = o.engine();
        count("scenarios", 1);
        count("events", s.delivery().size());
        count("oracle ms", o.oracleMs());
        count("engine ms", o.engineMs());
        count("dead letters", oracle.deadLetters().size());
        count("exact ratio ties", oracle.ties().size());
        oracle.stats().forEach((k, v) -> count("case: " + k, v));
        oracle.firings().forEach(f -> count("firing " + f.tripwire() + " " + f.action(), 1));
        String diff = OracleDiff.firstDifference(oracle.firings(), engine.firings(), s.delivery());
        assertThat(diff).as("%s; %d oracle firings, %d engine firings, %d exact ratio ties%n%s", s.summary(),
                oracle.firings().size(), engine.firings().size(), oracle.ties().size(), diff).isNull();
        assertThat(engine.deadLetters()).as("%s: dead letters (line, reason)", s.summary())
                .containsExactlyElementsOf(oracle.deadLetters());
    }

    @AfterAll
    static void coverage() {
        StringBuilder sb = new StringBuilder("oracle differential coverage:\n");
        new TreeMap<>(COVERAGE).forEach((k, v) -> sb.append("  ").append(k).append(": ").append(v).append('\n'));
        System.out.println(sb);
    }
}
