package io.tripwire.engine;

import io.tripwire.engine.replay.FileReplay;
import io.tripwire.engine.replay.ReplayOutput;
import io.tripwire.schemas.TripwireAction;
import io.tripwire.signing.ActionSigner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A replay of a file with dozens of corrupt lines mixed in gives exactly the firings of the clean
 * file, and dead-letters exactly the corrupt lines, each with its line number.
 */
class CorruptLinesReplayTest {

    private static final List<String> CORRUPTIONS = List.of(
            "{\"type\":\"request\",\"ts\":\"2025-10-06T10:00:00Z\",\"tenant\":\"TENANT_004\"",          // cut JSON
            "not json at all",
            "{\"type\":\"request\",\"ts\":\"yesterday\",\"tenant\":\"TENANT_004\",\"service\":\"api\",\"op\":\"READ\",\"status\":200,\"latencyMs\":1}",
            "{\"type\":\"request\",\"ts\":\"2025-10-06T10:00:00Z\",\"service\":\"api\",\"op\":\"READ\",\"status\":200,\"latencyMs\":1}",
            "{\"type\":\"request\",\"ts\":\"2025-10-06T10:00:00Z\",\"tenant\":\"TENANT_004\",\"service\":\"api\",\"op\":\"READ\",\"status\":200,\"latencyMs\":-4}",
            "{\"type\":\"request\",\"ts\":\"2025-10-06T10:00:00Z\",\"tenant\":\"TENANT_004\",\"service\":\"api\",\"op\":\"DELETE\",\"status\":200,\"latencyMs\":1}",
            "{\"type\":\"metric\",\"ts\":\"2025-10-06T10:00:00Z\",\"tenant\":\"TENANT_004\",\"name\":\"pg_replica_lag_seconds\",\"value\":\"high\"}",
            "{\"type\":\"policy\",\"ts\":\"2025-10-06T10:00:00Z\",\"tenant\":\"TENANT_005\",\"opId\":\"x\",\"decision\":\"MAYBE\",\"policy\":\"residency\"}",
            "{\"type\":\"teleport\",\"ts\":\"2025-10-06T10:00:00Z\",\"tenant\":\"TENANT_005\"}",
            "[1,2,3]");

    @Test
    void corruptLinesAreDeadLetteredAndTheFiringsAreThoseOfTheCleanFile(@TempDir Path dir) throws Exception {
        List<String> clean = Files.readAllLines(Path.of("..", "test-data", "wave-a.jsonl")).subList(0, 8000);
        Random r = new Random(7);
        List<String> dirty = new ArrayList<>();
        List<Long> corruptLineNumbers = new ArrayList<>();
        for (String line : clean) {
            if (r.nextInt(200) == 0) {
                dirty.add(CORRUPTIONS.get(r.nextInt(CORRUPTIONS.size())));
                corruptLineNumbers.add((long) dirty.size());
            }
            dirty.add(line);
        }
        Files.write(dir.resolve("clean.jsonl"), clean);
        Files.write(dir.resolve("dirty.jsonl"), dirty);
        ActionSigner signer = new ActionSigner(Engines.KEYS.getPrivate());

        ReplayOutput fromClean = FileReplay.run(dir.resolve("clean.jsonl"), Engines.rules(), signer, (p, d, t) -> { });
        ReplayOutput fromDirty = FileReplay.run(dir.resolve("dirty.jsonl"), Engines.rules(), signer, (p, d, t) -> { });

        assertThat(corruptLineNumbers).hasSizeGreaterThan(24);
        assertThat(fromClean.actions()).isNotEmpty();
        assertThat(fromDirty.actions()).extracting(TripwireAction::getActionId)
                .containsExactlyElementsOf(fromClean.actions().stream().map(TripwireAction::getActionId).toList());
        // the story's refused overrides are dead letters of both files; the rest are the corrupt lines
        assertThat(fromClean.deadLetters()).extracting(ReplayOutput.DeadLetter::reason).allMatch(Engines.WAVE_A_REFUSED::contains);
        assertThat(fromDirty.deadLetters()).filteredOn(d -> !Engines.WAVE_A_REFUSED.contains(d.reason()))
                .extracting(ReplayOutput.DeadLetter::line).containsExactlyElementsOf(corruptLineNumbers);
        assertThat(fromDirty.deadLetters()).hasSize(corruptLineNumbers.size() + fromClean.deadLetters().size());
        assertThat(fromDirty.deadLetters()).allSatisfy(d -> assertThat(d.reason()).isNotBlank());
    }
}
