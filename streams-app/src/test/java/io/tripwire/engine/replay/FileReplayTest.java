package io.tripwire.engine.replay;

import io.tripwire.engine.Engines;
import io.tripwire.json.ActionJson;
import io.tripwire.json.CanonicalJson;
import io.tripwire.signing.ActionSigner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** File replay streams a file in time order and sorts one that is not: both give the replay of the sorted events. */
class FileReplayTest {

    private static final Path WAVE_A = Path.of("..", "test-data", "wave-a.jsonl");

    @Test
    void aFileOutOfTimeOrderGivesWhatTheSortedFileGives(@TempDir Path dir) throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(WAVE_A, StandardCharsets.UTF_8));
        lines.add(5, "not json"); // a dead letter keeps its line number either way
        Path ordered = dir.resolve("ordered.jsonl");
        Files.write(ordered, lines, StandardCharsets.UTF_8);
        // the same lines with a late tail moved to the front: the in-order pass stops, the sort takes over
        List<String> shuffled = new ArrayList<>(lines);
        Collections.rotate(shuffled.subList(0, shuffled.size()), 7);
        Path unordered = dir.resolve("unordered.jsonl");
        Files.write(unordered, shuffled, StandardCharsets.UTF_8);

        ActionSigner signer = new ActionSigner(Engines.KEYS.getPrivate());
        List<String> phases = new ArrayList<>();
        ReplayOutput a = FileReplay.run(ordered, Engines.rules(), signer, (p, d, t) -> phases.add(p));
        assertThat(phases).noneMatch(p -> p.contains("sorting"));
        ReplayOutput b = FileReplay.run(unordered, Engines.rules(), signer, (p, d, t) -> phases.add(p));
        assertThat(phases).anyMatch(p -> p.startsWith("input not in time order at line 8"));
        // and what the in-memory path gives for the ordered file
        ReplayOutput c = FileReplay.read(ordered, (p, d, t) -> { }).replay(Engines.rules(), signer, (p, d, t) -> { });

        assertThat(a.actions()).hasSize(Engines.WAVE_A_ACTIONS);
        for (ReplayOutput other : List.of(b, c)) {
            assertThat(json(other)).containsExactlyElementsOf(json(a));
            assertThat(other.signals()).containsExactlyElementsOf(a.signals());
            assertThat(other.eventsRead()).isEqualTo(a.eventsRead());
        }
        // the bad line, then the story's two refused overrides (unsigned, token reused), with their lines
        List<String> reasons = new ArrayList<>(List.of("bad-json"));
        reasons.addAll(Engines.WAVE_A_REFUSED);
        assertThat(a.deadLetters()).extracting(ReplayOutput.DeadLetter::reason).containsExactlyElementsOf(reasons);
        assertThat(a.deadLetters().get(0).line()).isEqualTo(6L);
        assertThat(lines.get((int) a.deadLetters().get(2).line() - 1)).contains("\"approvalTokenId\":\"tok-0\"");
        assertThat(c.deadLetters()).isEqualTo(a.deadLetters());
        assertThat(b.deadLetters()).extracting(ReplayOutput.DeadLetter::reason).containsExactlyInAnyOrderElementsOf(reasons);
    }

    private static List<String> json(ReplayOutput out) {
        return out.actions().stream().map(x -> CanonicalJson.write(ActionJson.toMap(x, true))).toList();
    }
}
