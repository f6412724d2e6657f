package io.tripwire.cli;

import io.tripwire.engine.replay.FileReplay;
import io.tripwire.engine.replay.ReplayInput;
import io.tripwire.engine.replay.ReplayOutput;
import io.tripwire.engine.replay.TopicReplay;
import io.tripwire.engine.report.CompareReport;
import io.tripwire.engine.report.ReportWriter;
import io.tripwire.engine.rules.Rules;
import io.tripwire.signing.ActionSigner;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/** {@code tripwire replay}: run the engine's topology over recorded events, from a file or from topics (SPEC section 5). */
@Command(name = "replay", header = "Replay recorded events from a file or a time window of the topics.",
        mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Replay recorded events through the same topology the engine runs, in timestamp order, and write "
                + "DIR/actions.jsonl, DIR/signals.jsonl, DIR/dead-letter.jsonl and DIR/report.html (a self-contained page: "
                + "a timeline per tenant and signal, thresholds, every action marked).",
            "",
            "File mode (--input) reads the JSON-lines form, OTLP JSON and OPA decision-log lines (docs/ingest.md); a "
                + "rejected line's dead letter has its \"line\".",
            "",
            "Topic mode (--from/--to) reads every topic the engine reads: the six input topics, the records whose Kafka "
                + "timestamp t has FROM <= t < TO ('tripwire produce' sets it to the event time; gateways should too), and the "
                + "OTLP spans and metrics and OPA topics of --engine-config or --otlp-spans-topic, --otlp-metrics-topic, "
                + "--opa-topic, whose records are batches sent after the events in them: those are read from --ingest-margin "
                + "before FROM to --ingest-margin after TO and their events kept by their own time in [FROM, TO). All "
                + "read_committed, up to each partition's end when the read starts, decoded as the engine decodes them. It uses "
                + "no consumer group, commits nothing, writes nothing and creates no topic; a missing topic is skipped with a "
                + "warning. Events are replayed in event-time (ts) order, equal times by kind of event (requests, metrics, "
                + "autonomy, policy, rollout, overrides), then topic, partition and offset. A record that does not decode, or "
                + "has spans or decisions that do not map, is a dead letter with the engine's reason and its \"source\" "
                + "topic-partition@offset (raw: the JSON text, or 'base64:' and the bytes). While each partition is in time "
                + "order the records are replayed as they are read, holding only what the merge of the partitions waits on; "
                + "otherwise (OTLP batches from several services interleave) the window is read again into memory and sorted "
                + "(--compare always reads it into memory). --bootstrap-server defaults to $TRIPWIRE_BOOTSTRAP_SERVERS, "
                + "else localhost:9092."},
        footer = {"", "Examples:",
            "  ./tripwire replay --input test-data/wave-a.jsonl --out out/",
            "  ./tripwire replay --input test-data/wave-a.jsonl --out out/ \\",
            "      --set tripwires.read-latency.threshold=500",
            "  ./tripwire replay --input test-data/wave-a.jsonl --out cmp/ \\",
            "      --compare config/tripwires.yaml what-if.yaml",
            "  ./tripwire replay --bootstrap-server broker:9092 \\",
            "      --from 2025-10-06T10:00:00Z --to 2025-10-06T11:00:00Z \\",
            "      --tenant TENANT_004 --schema-registry-url http://registry:8081 \\",
            "      --out incident/",
            "  ./tripwire replay --bootstrap-server broker:9093 \\",
            "      --command-config client.properties \\",
            "      --from 2025-10-06T10:00:00Z --to 2025-10-06T11:00:00Z \\",
            "      --out cmp/ --compare config/tripwires.yaml what-if.yaml",
            "  ./tripwire replay --bootstrap-server broker:9092 --engine-config config/engine.yaml \\",
            "      --from 2025-10-06T10:00:00Z --to 2025-10-06T11:00:00Z --out incident/   # with its OTLP/OPA topics",
            "",
            "Exit codes: 0 replayed (dead letters included); 1 the cluster could not be",
            "read; 2 bad command line."})
public final class ReplayCommand implements Callable<Integer> {

    /** Where the events come from: a file, or a window of the topics. */
    static final class Source {
        @Option(names = "--input", required = true, paramLabel = "FILE.jsonl", description = "File mode: events in the JSON-lines form (SPEC section 2).")
        Path input;

        @ArgGroup(exclusive = false, heading = "%nTopic mode (instead of --input; the cluster and its topics: the options above):%n")
        Window window;
    }

    /** Topic mode: the window (the cluster and which topics: {@link TopicOptions}). */
    static final class Window {
        @Option(names = "--from", required = true, paramLabel = "TS", converter = InstantConverter.class,
                description = "Start of the window, inclusive: ISO-8601 (2025-10-06T10:00:00Z) or epoch milliseconds.")
        Instant from;

        @Option(names = "--to", required = true, paramLabel = "TS", converter = InstantConverter.class,
                description = "End of the window, exclusive; after --from.")
        Instant to;

        @Option(names = "--tenant", paramLabel = "T",
                description = "Replay only this tenant's events (records of the input topics keyed T; events of tenant T of the OTLP and OPA topics).")
        String tenant;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (created if missing).")
    Path out;

    @Option(names = "--compare", arity = "2", paramLabel = "RULES.yaml",
            description = "Replay twice, with rules A then B, and write DIR/compare.md listing the firings that differ "
                    + "(plus DIR/a/ and DIR/b/ with each run's files). The events are read once.")
    List<Path> compare;

    @Mixin
    TopicOptions topics;

    @Mixin
    RulesOptions rules;

    @Mixin
    SigningOptions signing;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        TopicReplay.Window window = window();
        if (window == null && topics.anyTopicOption()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--bootstrap-server, --command-config, --topic-prefix and the "
                    + "OTLP/OPA topics are for topic mode (--from/--to), not --input");
        }
        if (window != null) {
            topics.defaultBootstrapServer(System.getenv());
            topics.topics(); // a bad --engine-config or topic option is told before anything is read
        }
        long started = System.nanoTime();
        ActionSigner signer = signing.signer().signer();
        ReplayOutput output;
        if (source.input != null && compare == null) {
            // one pass over the file, events to the engine as they are read (in memory only if out of time order)
            Rules r = rules.load();
            output = FileReplay.run(source.input, r, signer, mapping(), progress());
            writeInto(output, r, out);
        } else if (compare == null) {
            // one pass over the topics too, the records replayed as they are read (in memory only if a partition is out of time order)
            Rules r = rules.load();
            try {
                output = replayTopics(window, r, signer, stdout, err);
            } catch (TopicReplay.ReadException e) {
                err.println("tripwire replay: " + e.getMessage());
                return 1;
            }
            writeInto(output, r, out);
        } else {
            ReplayInput input;
            try {
                input = source.input != null ? FileReplay.read(source.input, mapping(), progress()) : readTopics(window, stdout, err);
            } catch (TopicReplay.ReadException e) {
                err.println("tripwire replay: " + e.getMessage());
                return 1;
            }
            return compare(input, signer, stdout);
        }
        long ms = (System.nanoTime() - started) / 1_000_000;
        Map<String, Integer> byTripwire = new TreeMap<>();
        output.actions().forEach(a -> byTripwire.merge(a.getTripwire() + " " + a.getAction(), 1, Integer::sum));
        stdout.printf("replayed %,d events in %.1f s: %,d actions, %,d signal values, %,d dead letters -> %s%n",
                output.eventsRead(), ms / 1000.0, output.actions().size(), output.signals().size(), output.deadLetters().size(), out);
        byTripwire.forEach((k, v) -> stdout.printf("  %-45s %5d%n", k, v));
        stdout.println("report: " + out.resolve("report.html"));
        // the figure BENCHMARKS.md quotes: from the command's start (JVM start excluded) to the last file written
        double s = (System.nanoTime() - started) / 1e9;
        stdout.printf("replay: %d events in %.2f s (%.0f events/s)%n", output.eventsRead(), s, output.eventsRead() / Math.max(s, 1e-9));
        stdout.flush();
        return 0;
    }

    private io.tripwire.engine.ingest.IngestSettings mapping() {
        return topics.mapping();
    }

    /** The topic-mode window, checked before anything is read; null in file mode. */
    private TopicReplay.Window window() {
        Window t = source.window;
        if (t == null) {
            return null;
        }
        try {
            return new TopicReplay.Window(t.from, t.to, t.tenant);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** Reads the topics into memory, for a compare (two replays of one input). */
    private ReplayInput readTopics(TopicReplay.Window window, PrintWriter stdout, PrintWriter err) throws Exception {
        TopicReplay.Read read = topics.read(window, progress());
        printRead(window, read.missingTopics(), read.recordsScanned(), read.input().events().size(), read.input().rejected().size(), "",
                stdout, err);
        return read.input();
    }

    /** Reads and replays the topics in one pass. */
    private ReplayOutput replayTopics(TopicReplay.Window window, Rules r, ActionSigner signer, PrintWriter stdout, PrintWriter err)
            throws java.io.IOException {
        // a missing topic is told before a long replay, not after it
        TopicReplay.Replayed replayed = topics.reader().replay(window, r, signer, progress(), missing -> warnMissing(missing, err));
        printRead(window, List.of(), replayed.recordsScanned(), replayed.events(), replayed.unreadable(),
                replayed.streamed() ? ", replayed as read" : ", a partition out of time order: read again and sorted in memory", stdout, err);
        return replayed.output();
    }

    private void printRead(TopicReplay.Window window, List<String> missing, long scanned, long events, long unreadable, String how,
                           PrintWriter stdout, PrintWriter err) {
        warnMissing(missing, err);
        stdout.printf("read %,d records of %s from %s to %s%s: %,d events, %,d unreadable%s%n", scanned, topics.bootstrapServer,
                window.from(), window.to(), window.tenant() == null ? "" : " for " + window.tenant(), events, unreadable, how);
        if (!topics.topics().onRamps().isEmpty()) {
            stdout.println("  " + topics.topics().describe(window));
        }
    }

    private static void warnMissing(List<String> missing, PrintWriter err) {
        missing.forEach(topic -> err.println("tripwire replay: warning: topic " + topic + " does not exist; skipped"));
        err.flush();
    }

    /** One replay, its three JSON-lines files and its report, into {@code dir}. */
    private ReplayOutput replayInto(ReplayInput input, Rules r, ActionSigner signer, Path dir) throws Exception {
        ReplayOutput output = input.replay(r, signer, progress());
        writeInto(output, r, dir);
        return output;
    }

    private void writeInto(ReplayOutput output, Rules r, Path dir) throws Exception {
        FileReplay.write(output, dir);
        ReportWriter.write(output, r, dir.resolve("report.html"), "tripwire replay of " + describeSource());
    }

    private String describeSource() {
        if (source.input != null) {
            return source.input.getFileName().toString();
        }
        Window t = source.window;
        return topics.bootstrapServer + " " + t.from + " to " + t.to + (t.tenant == null ? "" : " (" + t.tenant + ")");
    }

    private int compare(ReplayInput input, ActionSigner signer, PrintWriter stdout) throws Exception {
        Path a = compare.get(0);
        Path b = compare.get(1);
        ReplayOutput outA = replayInto(input, RulesOptions.load(a, rules.sets), signer, out.resolve("a"));
        ReplayOutput outB = replayInto(input, RulesOptions.load(b, rules.sets), signer, out.resolve("b"));
        CompareReport.write(outA, a.toString(), outB, b.toString(), out.resolve("compare.md"));
        stdout.printf("compared %s (%d actions) with %s (%d actions): %s%n", a, outA.actions().size(), b, outB.actions().size(),
                out.resolve("compare.md"));
        stdout.flush();
        return 0;
    }

    private static ProgressBar progress() {
        return new ProgressBar(System.err);
    }
}
