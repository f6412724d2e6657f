package io.tripwire.cli.evidence;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.tripwire.cli.InstantConverter;
import io.tripwire.cli.ProgressBar;
import io.tripwire.cli.RulesOptions;
import io.tripwire.cli.TopicOptions;
import io.tripwire.engine.pilot.PilotReview;
import io.tripwire.cli.history.CarryIn;
import io.tripwire.cli.history.TopicHistory;
import io.tripwire.engine.replay.FileReplay;
import io.tripwire.engine.replay.ReplayEngine;
import io.tripwire.engine.replay.ReplayInput;
import io.tripwire.engine.replay.ReplayOutput;
import io.tripwire.engine.replay.TopicReplay;
import io.tripwire.engine.report.Kpis;
import io.tripwire.engine.report.PilotSection;
import io.tripwire.engine.report.ReportWriter;
import io.tripwire.engine.rules.Rules;
import io.tripwire.json.JsonForm;
import io.tripwire.schemas.ActionResult;
import io.tripwire.schemas.TripwireAction;
import io.tripwire.signing.ActionSigner;
import io.tripwire.signing.ActionVerifier;
import io.tripwire.signing.Ed25519Keys;
import io.tripwire.signing.Sha256;
import io.tripwire.wire.InputDeserializer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code tripwire evidence}: the evidence bundle of a window, and {@code evidence verify} to check one. */
@Command(name = "evidence", mixinStandardHelpOptions = true, sortOptions = false, subcommands = EvidenceCommand.Verify.class,
        description = {"Write the evidence bundle of a time window: what the rules imply, what went out, and proof of both.",
            "",
            "Into --out: replay/ (actions, signals, dead letters and report.html of a replay of the window's events), "
                + "actions-sent.jsonl (the action records that went out on tripwire-actions, firedAt in the window), "
                + "comparison.md/.json (sent against implied: identical, or every record missing, unexpected, different or with a "
                + "signature that does not verify against --public-key), results.jsonl (the executor's results joined to each action), "
                + "kpis.md/.json (per tenant: availability, error budget remaining, p95/p99, burn, autonomy %%, compensation %%, HITL "
                + "overrides, residency incidents, tripwires fired; then, in kpis.md, the autonomy pilot's review of each tenant with "
                + "autonomy decisions: simulation delta, autonomy and compensation rates judged PASS/FAIL/INCONCLUSIVE, HITL overrides, "
                + "approvals to enact and refusals, the loop's tripwires that fired), pilot.json (that review as data), "
                + "actions-public.pem, and manifest.json: every artifact's SHA-256 "
                + "and size, every source (topic partitions and offset ranges, or file hashes), signed with Ed25519. "
                + "'evidence verify DIR' checks it all again. docs/evidence.md says what the bundle proves and what it does not.",
            "",
            "Events from the cluster (--bootstrap-server: the six input topics by record timestamp, the OTLP and OPA topics of "
                + "--engine-config or --otlp-spans-topic, --otlp-metrics-topic, --opa-topic by each event's own time (read from "
                + "--ingest-margin before --from to --ingest-margin after --to), tripwire-actions and action-results whole; --from, "
                + "--to and --public-key required) or from files (--input; the window defaults to the events' span, first to last; "
                + "--actions with --public-key, and --results, to compare what went out).",
            "",
            "What came before the window is carried in: the replay begins the rules' longest reach before --from (48h with the "
                + "shipped rules), and earlier still for a hold open then (from tripwire-actions and hitl-overrides, or the file's "
                + "earlier events). Those events build state but are not the bundle's: its actions, signals, KPIs and comparison "
                + "cover [from, to). manifest.json records where the replay began and why, and what was defaulted."},
        footer = {"", "Examples:",
            "  ./tripwire evidence --out v0.3.1-mc/evidence --from 2025-10-06T10:00:00Z --to 2025-10-06T11:00:00Z \\",
            "      --bootstrap-server broker:9092 --schema-registry-url http://registry:8081 \\",
            "      --public-key /etc/tripwire/keys/public.pem --signing-key evidence-key.pem",
            "  ./tripwire evidence --out bundle --from 2025-10-06T10:00:00Z --to 2025-10-06T11:00:00Z \\",
            "      --input demo-out/events.jsonl --actions demo-out/actions.jsonl --results demo-out/results.jsonl \\",
            "      --public-key demo-out/public.pem",
            "  ./tripwire evidence --out bundle --from 2025-10-06T10:00:00Z \\",
            "      --to 2025-10-06T11:00:00Z --bootstrap-server broker:9092 \\",
            "      --engine-config config/engine.yaml --public-key keys/public.pem",
            "  ./tripwire evidence --input recorded.jsonl --out bundle        # the file's span; what the rules imply, nothing compared",
            "  ./tripwire evidence verify v0.3.1-mc/evidence",
            "",
            "Exit codes: 0 bundle written, sent = implied (or nothing sent given); 1 bundle written with differences "
                + "(see comparison.md); 2 error."})
public final class EvidenceCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = "--out", paramLabel = "DIR", description = "Directory of the bundle (created; must be empty or absent). Required.")
    Path out;

    @Option(names = "--from", paramLabel = "TS", converter = InstantConverter.class,
            description = "Start of the window, inclusive. Required on topics; in file mode default the first event's time.")
    Instant from;

    @Option(names = "--to", paramLabel = "TS", converter = InstantConverter.class,
            description = "End of the window, exclusive. Required on topics; in file mode default the last event's time + 1 ms.")
    Instant to;

    @Option(names = "--tenant", paramLabel = "T", description = "Only this tenant's events and actions.")
    String tenant;

    @Option(names = "--public-key", paramLabel = "PEM",
            description = "The engine's public key(s): every action record that went out must verify against one. Required on "
                    + "topics and with --actions; without sent actions there is nothing to check it against.")
    Path publicKey;

    @Option(names = "--signing-key", paramLabel = "PEM",
            description = "Ed25519 private key that signs manifest.json. Default: a new key (its public half is in the manifest).")
    Path signingKey;

    @Option(names = "--input", paramLabel = "FILE.jsonl", description = "File mode: the recorded events (repeatable).")
    List<Path> inputs = new ArrayList<>();

    @Option(names = "--actions", paramLabel = "FILE.jsonl",
            description = "File mode: the action records that went out, compared with those implied. Without it the bundle shows "
                    + "what the rules imply and compares nothing.")
    Path actionsFile;

    @Option(names = "--results", paramLabel = "FILE.jsonl", description = "File mode, with --actions: the executor's results.")
    Path resultsFile;

    @Mixin
    TopicOptions topics;

    @Mixin
    RulesOptions rules;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean topicMode = topics.bootstrapServer != null;
        checkOptions(topicMode);
        if (Files.exists(out) && (!Files.isDirectory(out) || Files.list(out).findAny().isPresent())) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--out " + out + ": exists and is not an empty directory");
        }
        List<PublicKey> engineKeys = null;
        KeyPair manifestKey;
        try {
            if (publicKey != null) {
                engineKeys = Ed25519Keys.readPublic(publicKey);
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--public-key " + publicKey + ": " + why(e));
        }
        try {
            manifestKey = signingKey != null ? new KeyPair(publicOf(signingKey), Ed25519Keys.readPrivate(signingKey)) : Ed25519Keys.generate();
        } catch (IOException | IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--signing-key " + signingKey + ": " + why(e));
        }
        if (signingKey == null) {
            err.println("tripwire evidence: no --signing-key: manifest.json is signed with a new key; its public half is in the manifest "
                    + "(verify then proves the bundle is intact, not who made it)");
        }
        Rules r = rules.load();
        List<Map<String, Object>> sources = new ArrayList<>();
        Map<String, Object> defaulted = new LinkedHashMap<>();
        ReplayInput input;
        CarryIn carry;
        List<TripwireAction> sent = null; // null: none given (file mode without --actions), nothing to compare
        List<ActionResult> results = List.of();
        try {
            if (topicMode) {
                // what the engine still held open before the window: from its action records and the overrides
                TopicHistory.Read history = TopicHistory.read(topics, tenant);
                carry = TopicHistory.carryIn(topics, tenant, from, to, r, history, new ProgressBar(System.err));
                TopicReplay.Window events = new TopicReplay.Window(carry.replayFrom(), to, tenant);
                TopicReplay.Read read = topics.read(events, new ProgressBar(System.err));
                carry = carry.withGaps(TopicHistory.inputsFrom(topics, topics.topics().topics(), carry.replayFrom()));
                input = read.input();
                sources.add(topicSource("events", read.offsets(), topics.topics().describe(events) + " (the window [from, to) and "
                        + "what is carried into it)"));
                sources.add(topicSource("actions", history.actionOffsets(), "whole topic; records with firedAt in [from, to) kept, the "
                        + "earlier ones read for what was still open before the window"));
                sources.add(topicSource("overrides", history.overrideOffsets(), "whole topic, read for approvals still in force before "
                        + "the window"));
                sent = history.actions();
                TopicDump.Dump res = TopicDump.read(topics.client(), topics.names().results(), Duration.ofSeconds(60));
                sources.add(topicSource("results", res.offsets(), "whole topic; results of the kept actions kept"));
                results = decode(res.records(), ActionResult.class);
            } else {
                List<ReplayInput.Event> events = new ArrayList<>();
                List<ReplayOutput.DeadLetter> rejected = new ArrayList<>();
                for (Path p : inputs) {
                    ReplayInput in = FileReplay.read(p, topics.mapping(), new ProgressBar(System.err));
                    in.events().stream().filter(e -> tenant == null || tenantOf(e).equals(tenant)).forEach(events::add);
                    rejected.addAll(in.rejected());
                    sources.add(fileSource("events", p));
                }
                defaultWindow(events, defaulted);
                // the file's earlier events are the history: what they left open is read back
                carry = CarryIn.ofEvents(events, from, to, r);
                CarryIn c = carry;
                input = new ReplayInput(events.stream().filter(e -> c.replays(e.ts())).toList(), rejected);
                if (actionsFile != null) {
                    sent = readLines(actionsFile, TripwireAction.class);
                    sources.add(fileSource("actions", actionsFile));
                }
                if (resultsFile != null) {
                    results = readLines(resultsFile, ActionResult.class);
                    sources.add(fileSource("results", resultsFile));
                }
            }
        } catch (TopicReplay.ReadException | IllegalStateException | IOException | org.apache.kafka.common.KafkaException e) {
            err.println("tripwire evidence: " + e.getMessage());
            return 2;
        }

        Files.createDirectories(out);
        ReplayOutput replay;
        // the replay signs with its own key: the comparison leaves signatures aside and checks the sent ones against --public-key
        List<TripwireAction> carriedActions;
        List<org.apache.avro.specific.SpecificRecord> carriedPilot;
        try (ReplayEngine engine = new ReplayEngine(r, new ActionSigner(Ed25519Keys.generate().getPrivate()))) {
            engine.countFrom(from); // the carry-in builds state; the window's events, actions and signals are the bundle's
            replay = input.replay(engine, new ProgressBar(System.err));
            carriedActions = engine.carriedActions();
            carriedPilot = engine.carriedPilotEvents();
        }
        FileReplay.write(replay, out.resolve("replay"));
        ReportWriter.write(replay, r, out.resolve("replay").resolve("report.html"), "evidence " + from + " to " + to
                + (tenant == null ? "" : " (" + tenant + ")"));
        Comparison c = null;
        if (sent != null) {
            sent = sent.stream().filter(a -> inWindow(a.getFiredAt()) && (tenant == null || a.getTenant().equals(tenant))).toList();
            writeLines(out.resolve("actions-sent.jsonl"), sent.stream().map(JsonForm::write).toList());
            c = Comparison.of(replay.actions(), sent, new ActionVerifier(engineKeys));
            Files.writeString(out.resolve("comparison.md"), c.markdown() + carriedIn(carry));
            Files.writeString(out.resolve("comparison.json"), JSON.writeValueAsString(c.toMap()) + "\n");
            writeLines(out.resolve("results.jsonl"), joined(sent, results));
            Files.copy(publicKey, out.resolve("actions-public.pem"));
        } else {
            Files.writeString(out.resolve("comparison.md"), Comparison.notCompared(replay.actions().size()) + carriedIn(carry));
            Files.writeString(out.resolve("comparison.json"), JSON.writeValueAsString(Comparison.notComparedMap(replay.actions().size())) + "\n");
        }
        List<Kpis.Row> kpis = replay.kpis().rows(r, replay.actions(), replay.signals());
        // the decision memo: the KPI table, then the autonomy pilot's review of each tenant with autonomy decisions
        // (over the window, with the carry-in's approvals and actions: an approval given before it may be in force in it)
        List<TripwireAction> allActions = new ArrayList<>(carriedActions);
        allActions.addAll(replay.actions());
        List<org.apache.avro.specific.SpecificRecord> pilotEvents = new ArrayList<>(carriedPilot);
        pilotEvents.addAll(replay.pilotEvents());
        List<PilotReview> pilots = PilotReview.ofTenants(from, to, pilotEvents, allActions, r);
        Files.writeString(out.resolve("kpis.md"), "# KPIs " + from + " to " + to + "\n\n" + Kpis.markdown(kpis)
                + PilotSection.markdown(pilots, allActions));
        Files.writeString(out.resolve("kpis.json"), JSON.writeValueAsString(kpis) + "\n");
        Files.writeString(out.resolve("pilot.json"), JSON.writeValueAsString(PilotSection.json(pilots, allActions)) + "\n");
        Map<String, Object> window = new LinkedHashMap<>();
        window.put("from", from.toString());
        window.put("to", to.toString());
        window.put("tenant", tenant);
        if (!defaulted.isEmpty()) {
            window.put("defaulted", defaulted);
        }
        window.put("carriedIn", carry.toMap());
        Manifest.write(out, window, sources, sent != null, manifestKey);

        long carried = input.events().stream().filter(e -> e.ts().isBefore(from)).count();
        stdout.printf("evidence %s .. %s%s -> %s%n", from, to, tenant == null ? "" : " (" + tenant + ")", out);
        defaulted.forEach((k, v) -> stdout.printf("  --%s not given: %s%n", k, v));
        stdout.printf("  %,d events replayed (and %,d before %s carried in, from %s), %,d actions implied, %s%n", replay.eventsRead(), carried,
                from, carry.replayFrom(), replay.actions().size(), c == null ? "no sent actions given (--actions): nothing compared"
                        : String.format("%,d sent: %s", c.sent(), c.clean() ? "identical" : c.missing().size() + " missing, "
                        + c.unexpected().size() + " unexpected, " + c.different().size() + " different, " + c.badSignatures().size()
                        + " bad signatures (comparison.md)"));
        carry.gaps().forEach(g -> stdout.println("  could not look further back: " + g.text()));
        if (!pilots.isEmpty()) {
            stdout.printf("  autonomy pilot review (kpis.md, pilot.json): %s%n", PilotSection.verdicts(pilots));
        }
        stdout.flush();
        return c == null || c.clean() ? 0 : 1;
    }

    /** Which options go together in each mode; a usage error (exit 2) names what is missing. */
    private void checkOptions(boolean topicMode) {
        if (out == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--out DIR is required (or 'evidence verify DIR' to check a bundle)");
        }
        if (topicMode == !inputs.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "give either --bootstrap-server, or --input FILE (repeatable) [--actions FILE --public-key PEM [--results FILE]]");
        }
        if (topicMode && (from == null || to == null || publicKey == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "with --bootstrap-server, --from, --to and --public-key are required "
                    + "(the window of the topics, and the engine's key the sent action records must verify against)");
        }
        if (!topicMode && actionsFile != null && publicKey == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--actions needs --public-key: every action record that went out "
                    + "must verify against the engine's key");
        }
        if (!topicMode && actionsFile == null && (publicKey != null || resultsFile != null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), (publicKey != null ? "--public-key" : "--results")
                    + " goes with the action records that went out: give them with --actions FILE");
        }
        if (from != null && to != null && !from.isBefore(to)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--from " + from + " must be before --to " + to);
        }
    }

    /** File mode: a window not given is the events' span, first event to last (+ 1 ms: --to is exclusive); noted in {@code defaulted}. */
    private void defaultWindow(List<ReplayInput.Event> events, Map<String, Object> defaulted) {
        if (from != null && to != null) {
            return;
        }
        Instant first = events.stream().map(ReplayInput.Event::ts).min(Instant::compareTo).orElse(null);
        Instant last = events.stream().map(ReplayInput.Event::ts).max(Instant::compareTo).orElse(null);
        if (first == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "no events in " + inputs
                    + (tenant == null ? "" : " for " + tenant) + " to take the window from: give --from and --to");
        }
        if (from == null) {
            from = first;
            defaulted.put("from", "the first event's time, " + first);
        }
        if (to == null) {
            to = last.plusMillis(1);
            defaulted.put("to", "the last event's time + 1 ms (the window's end is exclusive), " + to);
        }
        if (!from.isBefore(to)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--from " + from + " must be before --to " + to
                    + " (the events span " + first + " .. " + last + ")");
        }
    }

    /** What the replay carried in, for comparison.md: where it began and why, and what it could not read. */
    private static String carriedIn(CarryIn carry) {
        StringBuilder b = new StringBuilder("\n## Carried in\n\n");
        carry.lines().forEach(l -> b.append("- ").append(l).append('\n'));
        if (!carry.gaps().isEmpty()) {
            b.append("\nA difference above may come from history that could not be read: the replay could not open again what was "
                    + "open before it.\n");
        }
        return b.toString();
    }

    private boolean inWindow(Instant t) {
        return !t.isBefore(from) && t.isBefore(to);
    }

    private static String tenantOf(ReplayInput.Event e) {
        return e.event().get(e.event().getSchema().getField("tenant").pos()).toString();
    }

    private static PublicKey publicOf(Path privatePem) throws IOException {
        // the public half of an Ed25519 private key: keys --out writes public.pem beside private.pem
        Path pub = privatePem.resolveSibling("public.pem");
        if (!Files.isRegularFile(pub)) {
            throw new IllegalArgumentException("expected public.pem beside it (as 'tripwire keys --out DIR' writes them)");
        }
        return Ed25519Keys.readPublic(pub).get(0);
    }

    /** What was wrong with a key file, in a few words. */
    private static String why(Exception e) {
        return e instanceof java.nio.file.NoSuchFileException ? "file not found" : e.getMessage();
    }

    private <T extends org.apache.avro.specific.SpecificRecord> List<T> decode(List<ConsumerRecord<byte[], byte[]>> records, Class<T> type)
            throws IOException {
        InputDeserializer<T> d = new InputDeserializer<>(type);
        d.configure(topics.serde(), false);
        List<T> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> rec : records) {
            if (rec.value() != null) {
                out.add(d.deserialize(rec.topic(), rec.value()));
            }
        }
        return out;
    }

    private static <T> List<T> readLines(Path file, Class<T> type) throws IOException {
        List<T> out = new ArrayList<>();
        long n = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            n++;
            if (!line.isBlank()) {
                Object o = JsonForm.parseLine(line, n);
                if (!type.isInstance(o)) {
                    throw new IOException(file + ": line " + n + ": expected a " + type.getSimpleName() + ", got a " + o.getClass().getSimpleName());
                }
                out.add(type.cast(o));
            }
        }
        return out;
    }

    /** One line per sent action: its id, what it was, and every result the executor wrote for it. */
    private static List<String> joined(List<TripwireAction> sent, List<ActionResult> results) throws IOException {
        Map<String, List<Object>> byId = new LinkedHashMap<>();
        for (ActionResult res : results) {
            byId.computeIfAbsent(res.getActionId(), k -> new ArrayList<>()).add(JSON.readTree(JsonForm.write(res)));
        }
        List<String> lines = new ArrayList<>();
        ObjectMapper compact = new ObjectMapper();
        for (TripwireAction a : sent) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("actionId", a.getActionId());
            m.put("firedAt", a.getFiredAt().toString());
            m.put("tenant", a.getTenant());
            m.put("tripwire", a.getTripwire());
            m.put("action", a.getAction().name());
            m.put("results", byId.getOrDefault(a.getActionId(), List.of()));
            lines.add(compact.writeValueAsString(m));
        }
        return lines;
    }

    private static void writeLines(Path file, List<String> lines) throws IOException {
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    private static Map<String, Object> topicSource(String what, Map<String, long[]> offsets, String selection) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("what", what);
        s.put("selection", selection);
        List<Map<String, Object>> parts = new ArrayList<>();
        offsets.forEach((tp, range) -> {
            Map<String, Object> part = new LinkedHashMap<>(); // in this order on the page (Map.of's order changes from run to run)
            part.put("partition", tp);
            part.put("fromOffset", range[0]);
            part.put("toOffset", range[1]);
            parts.add(part);
        });
        s.put("partitions", parts);
        return s;
    }

    private static Map<String, Object> fileSource(String what, Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("what", what);
        s.put("file", file.toString());
        s.put("sha256", Sha256.hex(b));
        s.put("size", (long) b.length);
        return s;
    }

    /** {@code evidence verify DIR}: every hash, the manifest's signature, every sent action's signature, and sent = implied. */
    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Check an evidence bundle: the manifest's signature, every artifact's hash and size (nothing missing, "
                    + "changed or added), every action record in actions-sent.jsonl against actions-public.pem, and that they are "
                    + "exactly the records replay/actions.jsonl implies. Names each file and record that does not match."},
            footer = {"", "Exit codes: 0 verified; 1 problems (listed); 2 error."})
    static final class Verify implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "DIR", description = "The bundle.")
        Path dir;

        @Option(names = "--public-key", paramLabel = "PEM", description = "Require the manifest to be signed by this key (else: the key it names).")
        Path pinned;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            if (!Files.isDirectory(dir)) {
                spec.commandLine().getErr().println("tripwire evidence verify: " + dir + ": not a directory");
                return 2;
            }
            List<String> problems = new ArrayList<>(Manifest.verify(dir, pinned == null ? null : Ed25519Keys.readPublic(pinned).get(0)));
            boolean compared = Manifest.compared(dir); // the signed manifest says so; an added actions-sent.jsonl is "not in the manifest"
            if (compared) {
                problems.addAll(actionsProblems(dir));
            }
            if (problems.isEmpty()) {
                out.println("evidence " + dir + ": verified (manifest signature, every artifact, " + (compared
                        ? "every action signature, sent = implied)" : "no sent actions in the bundle: nothing compared)"));
                out.flush();
                return 0;
            }
            out.println("evidence " + dir + ": " + problems.size() + " problem" + (problems.size() == 1 ? "" : "s"));
            problems.forEach(p -> out.println("  " + p));
            out.flush();
            return 1;
        }

        /** The sent records against their key and against what the replay implies, recomputed from the bundle's own files. */
        private static List<String> actionsProblems(Path dir) {
            List<String> problems = new ArrayList<>();
            Path sentFile = dir.resolve("actions-sent.jsonl");
            try {
                ActionVerifier v = new ActionVerifier(Ed25519Keys.readPublic(dir.resolve("actions-public.pem")));
                Comparison c = Comparison.of(readLines(dir.resolve("replay").resolve("actions.jsonl"), TripwireAction.class),
                        readLines(sentFile, TripwireAction.class), v);
                c.badSignatures().forEach(p -> problems.add(sentFile + ": " + p));
                c.unexpected().forEach(p -> problems.add(sentFile + ": " + p));
                c.missing().forEach(p -> problems.add(sentFile + ": " + p));
                c.different().forEach(p -> problems.add(sentFile + ": " + p));
            } catch (IOException | RuntimeException e) {
                problems.add(sentFile + ": cannot be checked: " + e.getMessage());
            }
            return problems;
        }
    }
}
