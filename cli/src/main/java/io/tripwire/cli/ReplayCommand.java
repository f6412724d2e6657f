package io.tripwire.cli;

import io.tripwire.engine.replay.FileReplay;
import io.tripwire.engine.replay.ReplayOutput;
import io.tripwire.engine.report.CompareReport;
import io.tripwire.engine.report.ReportWriter;
import io.tripwire.engine.rules.Rules;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/** {@code tripwire replay}: run the engine's topology over recorded events (SPEC section 5). */
@Command(name = "replay", header = "Replay recorded events through the engine's topology; write actions, signals, report.", mixinStandardHelpOptions = true,
        description = {"Replay recorded events through the same topology the engine runs, in timestamp order,",
            "and write DIR/actions.jsonl, DIR/signals.jsonl, DIR/dead-letter.jsonl and DIR/report.html",
            "(a self-contained page: a timeline per tenant and signal, thresholds, every action marked)."},
        footer = {"", "Examples:",
            "  ./tripwire replay --input test-data/wave-a.jsonl --out out/",
            "  ./tripwire replay --input test-data/wave-a.jsonl --out out/ --set tripwires.read-latency.threshold=500",
            "  ./tripwire replay --input test-data/wave-a.jsonl --out cmp/ --compare config/tripwires.yaml what-if.yaml"})
public final class ReplayCommand implements Callable<Integer> {

    @Option(names = "--input", required = true, paramLabel = "FILE.jsonl", description = "Events in the JSON-lines form (SPEC section 2).")
    Path input;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (created if missing).")
    Path out;

    @Option(names = "--compare", arity = "2", paramLabel = "RULES.yaml",
            description = "Replay twice, with rules A then B, and write DIR/compare.md listing the firings that differ "
                    + "(plus DIR/a/ and DIR/b/ with each run's files).")
    List<Path> compare;

    @Mixin
    RulesOptions rules;

    @Mixin
    SigningOptions signing;

    @Override
    public Integer call() throws Exception {
        if (compare != null) {
            return compare();
        }
        Rules r = rules.load();
        long started = System.nanoTime();
        ReplayOutput output = replayInto(r, out);
        long ms = (System.nanoTime() - started) / 1_000_000;
        Map<String, Integer> byTripwire = new TreeMap<>();
        output.actions().forEach(a -> byTripwire.merge(a.getTripwire() + " " + a.getAction(), 1, Integer::sum));
        System.out.printf("replayed %,d events in %.1f s: %,d actions, %,d signal values, %,d dead letters -> %s%n",
                output.eventsRead(), ms / 1000.0, output.actions().size(), output.signals().size(), output.deadLetters().size(), out);
        byTripwire.forEach((k, v) -> System.out.printf("  %-45s %5d%n", k, v));
        System.out.println("report: " + out.resolve("report.html"));
        return 0;
    }

    /** One replay, its three JSON-lines files and its report, into {@code dir}. */
    private ReplayOutput replayInto(Rules r, Path dir) throws Exception {
        ReplayOutput output = FileReplay.run(input, r, signing.signer().signer(), new ProgressBar(System.err));
        FileReplay.write(output, dir);
        ReportWriter.write(output, r, dir.resolve("report.html"), "tripwire replay of " + input.getFileName());
        return output;
    }

    private int compare() throws Exception {
        Path a = compare.get(0);
        Path b = compare.get(1);
        ReplayOutput outA = replayInto(RulesOptions.load(a, rules.sets), out.resolve("a"));
        ReplayOutput outB = replayInto(RulesOptions.load(b, rules.sets), out.resolve("b"));
        CompareReport.write(outA, a.toString(), outB, b.toString(), out.resolve("compare.md"));
        System.out.printf("compared %s (%d actions) with %s (%d actions): %s%n", a, outA.actions().size(), b, outB.actions().size(),
                out.resolve("compare.md"));
        return 0;
    }
}
