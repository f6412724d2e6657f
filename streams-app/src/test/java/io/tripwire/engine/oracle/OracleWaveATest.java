package io.tripwire.engine.oracle;

import io.tripwire.engine.Engines;
import io.tripwire.engine.replay.FileReplay;
import io.tripwire.engine.replay.ReplayOutput;
import io.tripwire.json.JsonForm;
import io.tripwire.signing.ActionSigner;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The oracle against the engine on test-data/wave-a.jsonl and canary.jsonl, replayed as `replay --input` does (timestamp order, stable). */
class OracleWaveATest {

    private static final Path WAVE_A = Path.of("..", "test-data", "wave-a.jsonl");

    private static final Path CANARY = Path.of("..", "test-data", "canary.jsonl");

    static List<SpecOracle.Input> waveA() throws Exception {
        return inputs(WAVE_A);
    }

    static List<SpecOracle.Input> inputs(Path file) throws Exception {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<SpecOracle.Input> inputs = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).isBlank()) {
                SpecificRecord e = JsonForm.parseLine(lines.get(i), i + 1);
                inputs.add(new SpecOracle.Input(e, i + 1));
            }
        }
        inputs.sort(Comparator.comparing(in -> Scenario.ts(in.event()))); // stable
        return inputs;
    }

    @Test
    void oracleAndEngineAgreeOnWaveA() throws Exception {
        SpecOracle.Result oracle = agree(WAVE_A);
        assertThat(oracle.firings()).hasSize(io.tripwire.engine.Engines.WAVE_A_ACTIONS);
    }

    @Test
    void oracleAndEngineAgreeOnTheCanaryScenario() throws Exception {
        SpecOracle.Result oracle = agree(CANARY);
        assertThat(oracle.firings()).extracting(f -> f.tripwire() + " " + f.action()).containsExactly(
                "canary-latency ROLLBACK_LAST_STEP", "canary-latency ALERT", "canary-latency RESOLVED", "canary-latency CANARY_PASSED");
    }

    private static SpecOracle.Result agree(Path file) throws Exception {
        List<SpecOracle.Input> inputs = inputs(file);
        SpecOracle.Result oracle = SpecOracle.run(OracleConfig.DEFAULTS, inputs);

        // the file replay exactly as the CLI runs it (one engine pass: 23k events take a while)
        ReplayOutput replay = FileReplay.run(file, Engines.rules(), new ActionSigner(Engines.KEYS.getPrivate()), (p, d, t) -> { });
        // firings of one input event come out in no documented order across tripwires: compare in the
        // oracle's canonical order (firedAt, tripwire, scope; a firing's actions keep their rule order)
        List<SpecOracle.Firing> engine = new ArrayList<>(replay.actions().stream().map(a -> EngineRun.toFiring(0, a)).toList());
        engine.sort(SpecOracle.canonical());
        List<SpecOracle.Firing> expected = new ArrayList<>(oracle.firings().stream()
                .map(f -> new SpecOracle.Firing(0, f.firedAt(), f.tenant(), f.tripwire(), f.scope(), f.action(), f.params())).toList());
        expected.sort(SpecOracle.canonical());
        String diff = OracleDiff.firstDifference(expected, engine, null);
        assertThat(diff).as(file.getFileName() + ": oracle vs engine (firedAt, tenant, tripwire, scope, action, params)").isNull();
        assertThat(replay.deadLetters()).extracting(d -> new SpecOracle.Dead(d.line(), d.reason()))
                .containsExactlyElementsOf(oracle.deadLetters());
        return oracle;
    }
}
