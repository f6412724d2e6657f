package io.tripwire.cli.demo;

import io.tripwire.engine.replay.FileReplay;
import io.tripwire.engine.replay.ReplayOutput;
import io.tripwire.engine.report.ReportWriter;
import io.tripwire.engine.rules.Rules;
import io.tripwire.json.JsonForm;
import io.tripwire.schemas.ActionResult;
import io.tripwire.schemas.TripwireAction;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The demo's files, all from what was read back from the topics: {@code actions.jsonl},
 * {@code signals.jsonl} and {@code dead-letter.jsonl} in replay's format (SPEC section 5),
 * {@code results.jsonl} (the executor's ActionResults) and {@code report.html}.
 */
final class DemoOutputs {

    private DemoOutputs() {
    }

    /** The live run as a replay output: actions in firing order (stable across partitions), signals and dead letters as read. */
    static ReplayOutput asReplayOutput(LiveFeed.Snapshot seen, long eventsPlayed) {
        List<TripwireAction> actions = new ArrayList<>(seen.actions());
        actions.sort(Comparator.comparing(TripwireAction::getFiredAt));
        return new ReplayOutput(actions, seen.signals(), seen.deadLetters(), eventsPlayed);
    }

    static void write(ReplayOutput live, List<ActionResult> results, Rules rules, Path dir, String title) throws IOException {
        FileReplay.write(live, dir);
        try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("results.jsonl"), StandardCharsets.UTF_8)) {
            for (ActionResult r : results) {
                w.write(JsonForm.write(r));
                w.newLine();
            }
        }
        ReportWriter.write(live, rules, dir.resolve("report.html"), title);
    }
}
