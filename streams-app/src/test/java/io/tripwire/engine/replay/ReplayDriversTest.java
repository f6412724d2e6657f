package io.tripwire.engine.replay;

import io.tripwire.engine.Engines;
import io.tripwire.json.ActionJson;
import io.tripwire.json.CanonicalJson;
import io.tripwire.signing.ActionSigner;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The direct driver (the processor and its stores, no TopologyTestDriver) gives exactly what the
 * whole topology gives: the same action records, byte for byte in their JSON form (ids, evidence
 * and signatures included), the same signals and the same dead letters, in the same order.
 */
class ReplayDriversTest {

    private static final Path WAVE_A = Path.of("..", "test-data", "wave-a.jsonl");

    @Test
    void directAndTopologyDriversGiveTheSameOutputsOnWaveA() throws Exception {
        ReplayInput input = FileReplay.read(WAVE_A, (p, d, t) -> { });
        ActionSigner signer = new ActionSigner(Engines.KEYS.getPrivate());
        ReplayOutput direct = replay(input, ReplayEngine::new, signer);
        ReplayOutput topology = replay(input, ReplayEngine::throughTopology, signer);

        assertThat(direct.actions()).hasSize(Engines.WAVE_A_ACTIONS);
        assertThat(json(direct)).containsExactlyElementsOf(json(topology));
        assertThat(direct.signals()).isNotEmpty().containsExactlyElementsOf(topology.signals());
        assertThat(direct.deadLetters()).containsExactlyElementsOf(topology.deadLetters());
        assertThat(direct.eventsRead()).isEqualTo(topology.eventsRead());
    }

    @Test
    void lateFutureAndInvalidEventsAreRefusedAlikeByBothDrivers() {
        List<SpecificRecord> events = List.of(
                request("2025-10-06T10:05:00Z", 200, 5),
                request("2025-10-06T10:00:00Z", 503, 5),             // 5 minutes behind the tenant's stream time: late
                request("2999-01-01T00:00:00Z", 200, 5),             // ahead of the wall clock: future
                request("2025-10-06T10:06:00Z", 200, -1));           // negative latency: invalid
        ActionSigner signer = new ActionSigner(Engines.KEYS.getPrivate());
        List<ReplayOutput> outs = new java.util.ArrayList<>();
        for (BiFunction<io.tripwire.engine.rules.Rules, ActionSigner, ReplayEngine> kind
                : List.<BiFunction<io.tripwire.engine.rules.Rules, ActionSigner, ReplayEngine>>of(ReplayEngine::new, ReplayEngine::throughTopology)) {
            try (ReplayEngine e = kind.apply(Engines.rules(), signer)) {
                long line = 0;
                for (SpecificRecord r : events) {
                    e.send(r, ++line, "raw " + line);
                }
                outs.add(e.output());
            }
        }
        assertThat(outs.get(0).deadLetters()).extracting(ReplayOutput.DeadLetter::reason).containsExactly("late", "future", "invalid-value");
        // the same but for the wall clock each driver read ("... ahead of the wall clock <now>")
        assertThat(outs.get(0).deadLetters()).extracting(ReplayDriversTest::withoutWallClock)
                .containsExactlyElementsOf(outs.get(1).deadLetters().stream().map(ReplayDriversTest::withoutWallClock).toList());
    }

    private static String withoutWallClock(ReplayOutput.DeadLetter d) {
        return d.toString().replaceAll("wall clock \\S+", "wall clock (now)");
    }

    private static SpecificRecord request(String ts, int status, double latencyMs) {
        return io.tripwire.engine.Events.request(java.time.Instant.parse(ts), "T", "api", "READ", status, latencyMs);
    }

    private static ReplayOutput replay(ReplayInput input, BiFunction<io.tripwire.engine.rules.Rules, ActionSigner, ReplayEngine> engine,
                                       ActionSigner signer) {
        try (ReplayEngine e = engine.apply(Engines.rules(), signer)) {
            return input.replay(e, (p, d, t) -> { });
        }
    }

    private static List<String> json(ReplayOutput out) {
        return out.actions().stream().map(a -> CanonicalJson.write(ActionJson.toMap(a, true))).toList();
    }
}
