package io.tripwire.cli.demo;

import io.tripwire.engine.pilot.PilotReview;
import io.tripwire.engine.replay.FileReplay;
import io.tripwire.engine.replay.ReplayOutput;
import io.tripwire.engine.report.Kpis;
import io.tripwire.engine.report.ReportWriter;
import io.tripwire.engine.rules.Rules;
import io.tripwire.json.JsonForm;
import io.tripwire.schemas.ActionResult;
import io.tripwire.schemas.TripwireAction;
import org.apache.avro.specific.SpecificRecord;

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

    /**
     * The live run as a replay output: actions in firing order (stable across partitions), signals and dead letters as read,
     * and, for the report's pilot review, the autonomy decisions and overrides of the events played. Those are what was sent,
     * not what the engine counted: the review tells refused approvals by their AUDIT_EVENT, as it does in a replay.
     */
    static ReplayOutput asReplayOutput(LiveFeed.Snapshot seen, Scenario scenario, long eventsPlayed) {
        List<TripwireAction> actions = new ArrayList<>(seen.actions());
        actions.sort(Comparator.comparing(TripwireAction::getFiredAt));
        List<SpecificRecord> pilot = scenario.events().subList(0, (int) Math.min(eventsPlayed, scenario.events().size())).stream()
                .map(Scenario.Event::record).filter(PilotReview::reads).toList();
        return new ReplayOutput(actions, seen.signals(), seen.deadLetters(), eventsPlayed, new Kpis(), pilot);
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
