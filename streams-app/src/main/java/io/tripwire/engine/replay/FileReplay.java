package io.tripwire.engine.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tripwire.engine.ingest.Ingest;
import io.tripwire.engine.ingest.IngestSettings;
import io.tripwire.engine.rules.Rules;
import io.tripwire.json.JsonForm;
import io.tripwire.schemas.ActionResult;
import io.tripwire.schemas.TripwireAction;
import io.tripwire.signing.ActionSigner;
import io.tripwire.wire.DecodeException;
import org.apache.avro.specific.SpecificRecord;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code replay --input FILE.jsonl --out DIR} (SPEC section 5): reads the JSON-lines form, rejects
 * unreadable lines with their line number and reason, runs the real topology over the rest in
 * timestamp order (stable for equal times), and writes {@code actions.jsonl},
 * {@code signals.jsonl} and {@code dead-letter.jsonl}. Empty lines are skipped.
 */
public final class FileReplay {

    /** Progress of a long replay. */
    @FunctionalInterface
    public interface Progress {
        void update(String phase, long done, long total);
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private FileReplay() {
    }

    /**
     * Reads and replays {@code input} in one pass, holding no more than the outputs: while the
     * file is in time order (as a recorded stream is) each line goes to the engine as soon as it
     * is read. At the first line older than the one before, the pass stops and the file is read
     * again into memory and sorted ({@link #read} then {@link ReplayInput#replay}): the same
     * result, at the cost of holding every event.
     */
    public static ReplayOutput run(Path input, Rules rules, ActionSigner signer, Progress progress) throws IOException {
        return run(input, rules, signer, IngestSettings.DEFAULTS, progress);
    }

    /** As above, reading OTLP and OPA lines with {@code mapping} (docs/ingest.md). */
    public static ReplayOutput run(Path input, Rules rules, ActionSigner signer, IngestSettings mapping, Progress progress) throws IOException {
        try (ReplayEngine engine = new ReplayEngine(rules, signer)) {
            InOrder inOrder = new InOrder(engine);
            long total = Files.size(input);
            if (pipelined(input, progress, new Ingest(mapping), inOrder)) {
                progress.update("replaying", total, total);
                return inOrder.output();
            }
            progress.update("input not in time order at line " + inOrder.lastLine + ": sorting it in memory", 0, total);
        }
        return read(input, mapping, progress).replay(rules, signer, progress);
    }

    /** Parses {@code input}; an unreadable line, or an output record, is rejected with its line number and reason. */
    public static ReplayInput read(Path input, Progress progress) throws IOException {
        return read(input, IngestSettings.DEFAULTS, progress);
    }

    /** As above, reading OTLP and OPA lines with {@code mapping}. */
    public static ReplayInput read(Path input, IngestSettings mapping, Progress progress) throws IOException {
        List<ReplayInput.Event> events = new ArrayList<>();
        List<ReplayOutput.DeadLetter> rejected = new ArrayList<>();
        forEachLine(input, progress, "reading", new Ingest(mapping), new Lines() {
            @Override
            public boolean event(SpecificRecord e, Instant ts, long line, String raw) {
                events.add(new ReplayInput.Event(e, ts, line, null, () -> raw));
                return true;
            }

            @Override
            public void rejected(ReplayOutput.DeadLetter d) {
                rejected.add(d);
            }
        });
        return new ReplayInput(events, rejected);
    }

    /** One parsed line's outcome, handed from the reading thread to the replaying one. */
    private record Item(SpecificRecord event, Instant ts, long line, String raw, ReplayOutput.DeadLetter rejected) {
    }

    /**
     * {@link #forEachLine} with the reading and parsing on a thread of its own ({@link Handoff}),
     * handing batches to this thread, which replays them in file order: on two cores the JSON work
     * and the engine's overlap. False when {@code lines} stopped the pass (the reader is then told to stop).
     */
    private static boolean pipelined(Path input, Progress progress, Ingest ingest, Lines lines) throws IOException {
        try (Handoff<Item> handoff = new Handoff<>(out -> forEachLine(input, progress, "replaying", ingest, new Lines() {
            @Override
            public boolean event(SpecificRecord e, Instant ts, long line, String raw) {
                return out.add(new Item(e, ts, line, raw, null));
            }

            @Override
            public void rejected(ReplayOutput.DeadLetter d) {
                out.add(new Item(null, null, d.line(), null, d));
            }
        }))) {
            for (List<Item> b = handoff.next(); b != null; b = handoff.next()) {
                for (Item it : b) {
                    if (it.rejected() != null) {
                        lines.rejected(it.rejected());
                    } else if (!lines.event(it.event(), it.ts(), it.line(), it.raw())) {
                        return false; // closing the handoff stops the reader
                    }
                }
            }
            handoff.rethrow();
            return true;
        }
    }

    /** What a pass over a file's lines does with each one. */
    private interface Lines {
        /** A readable input event; false stops the pass. */
        boolean event(SpecificRecord e, Instant ts, long line, String raw);

        void rejected(ReplayOutput.DeadLetter d);
    }

    /** Feeds events to the engine while they come in time order (stable: equal times keep file order). */
    private static final class InOrder implements Lines {
        private final ReplayEngine engine;
        private final List<ReplayOutput.DeadLetter> rejected = new ArrayList<>();
        private Instant last = Instant.MIN;
        private long lastLine;

        InOrder(ReplayEngine engine) {
            this.engine = engine;
        }

        @Override
        public boolean event(SpecificRecord e, Instant ts, long line, String raw) {
            lastLine = line;
            if (ts.isBefore(last)) {
                return false;
            }
            last = ts;
            engine.send(e, line, null, () -> raw);
            return true;
        }

        @Override
        public void rejected(ReplayOutput.DeadLetter d) {
            rejected.add(d);
        }

        /** As {@link ReplayInput#replay} gives it: dead letters (rejected while reading or refused) by line. */
        ReplayOutput output() {
            ReplayOutput out = engine.output();
            List<ReplayOutput.DeadLetter> dead = new ArrayList<>(rejected);
            dead.addAll(out.deadLetters());
            dead.sort(java.util.Comparator.comparingLong(ReplayOutput.DeadLetter::line));
            return out.withDeadLetters(dead);
        }
    }

    /** Reads {@code input} line by line; false when {@code lines} stopped the pass. Empty lines are skipped. */
    private static boolean forEachLine(Path input, Progress progress, String phase, Ingest ingest, Lines lines) throws IOException {
        long total = Files.size(input);
        long read = 0;
        try (BufferedReader in = Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
            long n = 0;
            for (String raw = in.readLine(); raw != null; raw = in.readLine()) {
                n++;
                read += raw.length() + 1;
                if (n % 10_000 == 0) {
                    progress.update(phase, read, total);
                }
                if (raw.isBlank()) {
                    continue;
                }
                Ingest.Form form = Ingest.formOfLine(raw);
                if (form != null) {
                    if (!otherForm(ingest, form, raw, n, lines)) {
                        return false;
                    }
                    continue;
                }
                SpecificRecord e;
                try {
                    e = JsonForm.parseLine(raw, n);
                } catch (DecodeException ex) {
                    lines.rejected(new ReplayOutput.DeadLetter(n, ex.reason(), ex.getMessage(), raw));
                    continue;
                }
                if (e instanceof TripwireAction || e instanceof ActionResult) {
                    lines.rejected(new ReplayOutput.DeadLetter(n, "not-an-input-event", "line " + n + ": "
                            + e.getSchema().getName() + " records are outputs, not input events", raw));
                } else if (!lines.event(e, (Instant) e.get(e.getSchema().getField("ts").pos()), n, raw)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** A line of OTLP JSON (the Collector's file exporter) or an OPA decision-log event: each event it gives, each part refused. */
    private static boolean otherForm(Ingest ingest, Ingest.Form form, String raw, long n, Lines lines) {
        Ingest.Mapped m;
        try {
            m = ingest.map(form, raw, "line " + n);
        } catch (DecodeException ex) {
            lines.rejected(new ReplayOutput.DeadLetter(n, ex.reason(), ex.getMessage(), raw));
            return true;
        }
        for (DecodeException ex : m.refused()) {
            lines.rejected(new ReplayOutput.DeadLetter(n, ex.reason(), ex.getMessage(), raw));
        }
        for (SpecificRecord e : m.events()) {
            if (!lines.event(e, (Instant) e.get(e.getSchema().getField("ts").pos()), n, raw)) {
                return false;
            }
        }
        return true;
    }

    /** Writes the three JSON-lines files of SPEC section 5 into {@code dir}. */
    public static void write(ReplayOutput out, Path dir) throws IOException {
        Files.createDirectories(dir);
        try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("actions.jsonl"), StandardCharsets.UTF_8)) {
            for (TripwireAction a : out.actions()) {
                w.write(JsonForm.write(a));
                w.newLine();
            }
        }
        Files.write(dir.resolve("signals.jsonl"), out.signals(), StandardCharsets.UTF_8);
        try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("dead-letter.jsonl"), StandardCharsets.UTF_8)) {
            for (ReplayOutput.DeadLetter d : out.deadLetters()) {
                w.write(deadLetterJson(d));
                w.newLine();
            }
        }
    }

    private static String deadLetterJson(ReplayOutput.DeadLetter d) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (d.source() != null) {
            m.put("source", d.source());
        } else {
            m.put("line", d.line());
        }
        m.put("reason", d.reason());
        m.put("error", d.error());
        m.put("raw", d.raw());
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
