package io.tripwire.cli;

import io.tripwire.engine.replay.FileReplay;
import io.tripwire.engine.replay.ReplayOutput;
import io.tripwire.engine.rules.Rules;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/** {@code tripwire replay}: run the engine's topology over recorded events (SPEC section 5). */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Replay recorded events through the same topology the engine runs, in timestamp order,",
            "and write DIR/actions.jsonl, DIR/signals.jsonl and DIR/dead-letter.jsonl."},
        footer = {"", "Examples:",
            "  ./tripwire replay --input test-data/wave-a.jsonl --out out/",
            "  ./tripwire replay --input test-data/wave-a.jsonl --out out/ --set tripwires.read-latency.threshold=500"})
public final class ReplayCommand implements Callable<Integer> {

    @Option(names = "--input", required = true, paramLabel = "FILE.jsonl", description = "Events in the JSON-lines form (SPEC section 2).")
    Path input;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (created if missing).")
    Path out;

    @Mixin
    RulesOptions rules;

    @Mixin
    SigningOptions signing;

    @Override
    public Integer call() throws Exception {
        Rules r = rules.load();
        long started = System.nanoTime();
        ReplayOutput output = FileReplay.run(input, r, signing.signer().signer(), new ProgressBar(System.err));
        FileReplay.write(output, out);
        long ms = (System.nanoTime() - started) / 1_000_000;
        Map<String, Integer> byTripwire = new TreeMap<>();
        output.actions().forEach(a -> byTripwire.merge(a.getTripwire() + " " + a.getAction(), 1, Integer::sum));
        System.out.printf("replayed %,d events in %.1f s: %,d actions, %,d signal values, %,d dead letters -> %s%n",
                output.eventsRead(), ms / 1000.0, output.actions().size(), output.signals().size(), output.deadLetters().size(), out);
        byTripwire.forEach((k, v) -> System.out.printf("  %-45s %5d%n", k, v));
        return 0;
    }
}
