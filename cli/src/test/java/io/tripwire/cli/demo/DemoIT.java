package io.tripwire.cli.demo;

import io.tripwire.cli.RulesOptions;
import io.tripwire.cli.TripwireCli;
import io.tripwire.engine.replay.FileReplay;
import io.tripwire.json.JsonForm;
import io.tripwire.schemas.ActionResult;
import io.tripwire.schemas.ResultStatus;
import io.tripwire.schemas.TripwireAction;
import io.tripwire.signing.ActionSigner;
import io.tripwire.signing.Ed25519Keys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo itself is the subject: run in-process on its embedded broker, it must end with exit 0,
 * the same firings as a file replay of Wave A, a result for every action, and a report.
 */
class DemoIT {

    @TempDir
    Path tmp;

    @Test
    void playsWaveALiveWithTheFiringsOfAFileReplayAndAResultForEveryAction() throws Exception {
        // given
        Path out = tmp.resolve("demo-out");

        // when
        String printed = runCapturingStdout(() -> new CommandLine(new TripwireCli()).execute("demo", "--out", out.toString()));

        // then
        assertThat(printed).contains("FIRED", "TENANT", "summary:", "DRY_RUN");
        assertThat(lastExit).isZero();
        assertThat(out.resolve("actions.jsonl")).isRegularFile();
        assertThat(out.resolve("results.jsonl")).isRegularFile();
        assertThat(out.resolve("report.html")).isRegularFile();
        assertThat(out.resolve("public.pem")).isRegularFile();

        List<TripwireAction> live = read(out.resolve("actions.jsonl"), TripwireAction.class);
        // the demo re-signs the story's approvals with its own approver keys: live, it decides as a replay with the story's rules
        // (which trust the committed story keys) does: the pilot's early approval refused and its second honoured,
        // TENANT_005's signed override honoured, the unsigned and the reused one refused
        assertThat(printed).contains("approvals  4 signed overrides of the story re-signed with the demo's own approver keys: "
                + "pilot-lead@example.org (key ", "dpo@example.org (key ");
        assertThat(out.resolve("approvers").resolve("2").resolve("public.pem")).isRegularFile();
        List<TripwireAction> replayed = FileReplay.run(RepoFiles.require("test-data/wave-a.jsonl", "test data"),
                RulesOptions.load(RepoFiles.require("test-data/story-rules.yaml", "test data"), List.of()),
                new ActionSigner(Ed25519Keys.generate().getPrivate()), (phase, done, total) -> { }).actions();
        assertThat(firings(live)).hasSize(38).isEqualTo(firings(replayed));
        assertThat(live).filteredOn(a -> a.getTripwire().equals("hitl-approval")).extracting(a -> a.getEvidence().get("refused").toString())
                .containsExactlyInAnyOrder("override-simulation-not-passed", "override-unsigned", "override-token-reused");
        // TENANT_001 enacts under its approval; TENANT_003's pilot enacts without one
        assertThat(live).filteredOn(a -> a.getTripwire().equals("unapproved-enact")).extracting(TripwireAction::getTenant).containsOnly("TENANT_003");
        assertThat(live).filteredOn(a -> a.getTenant().equals("TENANT_005") && a.getAction() == io.tripwire.schemas.ActionType.RESOLVED)
                .singleElement().satisfies(a -> assertThat(a.getEvidence().get("approver").toString()).isEqualTo("dpo@example.org"));
        // the live table shows no page-resolve-page: no key fires again after it resolved
        Map<String, Long> firingsPerKey = live.stream().filter(a -> a.getAction() == io.tripwire.schemas.ActionType.ALERT)
                .collect(Collectors.groupingBy(a -> a.getTripwire() + " " + a.getTenant() + " " + a.getScope(), Collectors.counting()));
        assertThat(firingsPerKey).isNotEmpty().allSatisfy((key, n) -> assertThat(n).as(key).isEqualTo(1L));
        assertThat(ids(live, TripwireAction::getActionId)).isEqualTo(ids(replayed, TripwireAction::getActionId));

        Map<String, ActionResult> results = read(out.resolve("results.jsonl"), ActionResult.class).stream()
                .collect(Collectors.toMap(ActionResult::getActionId, r -> r, (a, b) -> a));
        assertThat(live).allSatisfy(a -> assertThat(results.get(a.getActionId()))
                .as("result of %s %s %s", a.getTenant(), a.getTripwire(), a.getAction())
                .isNotNull()
                .extracting(ActionResult::getStatus).isIn(ResultStatus.DRY_RUN, ResultStatus.EXECUTED));

        String report = Files.readString(out.resolve("report.html"));
        assertThat(report).contains("<svg");
        // the autonomy pilot's review, from the decisions and overrides played: TENANT_001's refused and honoured approvals
        assertThat(report).contains("<a href=\"#pilot-1\">pilot review</a>", "211 of 214 enacted ops autonomous (98.60%)",
                "refused: override of simulation-delta by pilot-lead@example.org (token CHG-PILOT-0) refused, override-simulation-not-passed",
                "<td>CHG-PILOT-1</td>", "honoured; ended at 2025-10-06 10:35:05 UTC by autonomy-compensation THROTTLE_AUTONOMY");

        // one KPI table (issue 25): the live report's equals the report of `replay --input test-data/wave-a.jsonl`, row for row
        Path replayOut = tmp.resolve("replay-out");
        assertThat(new CommandLine(new TripwireCli()).execute("replay", "--input", RepoFiles.require("test-data/wave-a.jsonl", "test data").toString(),
                "--rules", RepoFiles.require("test-data/story-rules.yaml", "test data").toString(), "--out", replayOut.toString())).isZero();
        String liveKpis = kpiTable(report);
        assertThat(liveKpis).contains("<td>TENANT_002</td>", "<td>TENANT_004</td><td class=\"num\">");
        assertThat(liveKpis).doesNotContain("<td>TENANT_004</td><td class=\"num\">0</td>");
        assertThat(liveKpis).isEqualTo(kpiTable(Files.readString(replayOut.resolve("report.html"))));
    }

    /** The report's "KPIs by tenant" table. */
    private static String kpiTable(String html) {
        int start = html.indexOf("<h2 id=\"kpis\">");
        assertThat(start).as("a KPI section").isNotNegative();
        int end = html.indexOf("</table>", start);
        assertThat(end).as("a KPI table").isGreaterThan(start);
        return html.substring(start, end);
    }

    private int lastExit = -1;

    private String runCapturingStdout(java.util.function.IntSupplier command) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            lastExit = command.getAsInt();
        } finally {
            System.setOut(original);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        original.print(text); // keep the demo's screen in the test report
        return text;
    }

    private static Set<String> firings(List<TripwireAction> actions) {
        return ids(actions, a -> a.getTenant() + " " + a.getTripwire() + " " + a.getAction() + " @" + a.getFiredAt());
    }

    private static Set<String> ids(List<TripwireAction> actions, Function<TripwireAction, String> key) {
        return actions.stream().map(key).collect(Collectors.toSet());
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> List<T> read(Path file, Class<T> type) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank())
                .map(l -> JsonForm.parse(l, type)).toList();
    }
}
