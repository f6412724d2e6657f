package io.tripwire.cli.demo;

import io.tripwire.engine.replay.FileReplay;
import io.tripwire.engine.replay.ReplayEngine;
import io.tripwire.engine.replay.ReplayOutput;
import io.tripwire.engine.report.ReportWriter;
import io.tripwire.engine.rules.Rules;
import io.tripwire.json.JsonForm;
import io.tripwire.schemas.ActionResult;
import io.tripwire.schemas.TripwireAction;
import io.tripwire.signing.ActionSigner;
import io.tripwire.signing.Ed25519Keys;
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
     * The live run as a replay output: actions in firing order (stable across partitions), signals and dead letters as read
     * back from the topics; the KPIs and the pilot review's events from the events played, counted as a replay counts them
     * (one computation: the same {@link ReplayEngine} pass over the same events, so the live report's KPI table is the replay
     * report's, issue 25). The pass runs the played events through the live run's rules in memory (about a second for
     * Wave A); its own actions are not used: the live run's are.
     */
    static ReplayOutput asReplayOutput(LiveFeed.Snapshot seen, Scenario scenario, long eventsPlayed, Rules rules) {
        List<TripwireAction> actions = new ArrayList<>(seen.actions());
        actions.sort(Comparator.comparing(TripwireAction::getFiredAt));
        List<SpecificRecord> played = scenario.events().subList(0, (int) Math.min(eventsPlayed, scenario.events().size())).stream()
                .map(Scenario.Event::record).toList();
        ReplayOutput counted;
        try (ReplayEngine engine = new ReplayEngine(rules, new ActionSigner(Ed25519Keys.generate().getPrivate()))) {
            engine.sendAll(played);
            counted = engine.output();
        }
        return new ReplayOutput(actions, seen.signals(), seen.deadLetters(), eventsPlayed, counted.kpis(), counted.pilotEvents());
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
