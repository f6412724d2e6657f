package io.tripwire.engine.replay;

import io.tripwire.engine.rules.Rules;
import io.tripwire.signing.ActionSigner;
import org.apache.avro.specific.SpecificRecord;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

/**
 * Recorded input events, read once (from a file or from topics), and the inputs already rejected
 * while reading. {@link #replay} runs them through the topology; a compare replays one input twice.
 */
public record ReplayInput(List<Event> events, List<ReplayOutput.DeadLetter> rejected) {

    /**
     * One input event and where it came from: a file {@code line} (with {@code source} null), or a
     * topic record's {@code source} {@code topic-partition@offset} (with {@code line} 0). {@code raw}
     * gives what a dead letter shows, made only for an event the topology refuses.
     */
    public record Event(SpecificRecord event, Instant ts, long line, String source, Supplier<String> raw) {
    }

    public ReplayInput {
        events = List.copyOf(events);
        rejected = List.copyOf(rejected);
    }

    /**
     * Replays the events in {@code ts} order; the sort is stable, so equal times keep the order of
     * {@link #events} (file order, or the topic reader's tie-break). Dead letters come out sorted
     * by line (topic records, all line 0, keep their order: rejected while reading, then refused
     * by the topology in replay order).
     */
    public ReplayOutput replay(Rules rules, ActionSigner signer, FileReplay.Progress progress) {
        try (ReplayEngine engine = new ReplayEngine(rules, signer)) {
            return replay(engine, progress);
        }
    }

    /** As above, on a fresh {@code engine} (e.g. {@link ReplayEngine#throughTopology}). */
    public ReplayOutput replay(ReplayEngine engine, FileReplay.Progress progress) {
        List<Event> sorted = new ArrayList<>(events);
        sorted.sort(Comparator.comparing(Event::ts));
        rejected.forEach(engine::rejected);
        long done = 0;
        for (Event e : sorted) {
            engine.send(e.event(), e.line(), e.source(), e.raw());
            if (++done % 10_000 == 0) {
                progress.update("replaying", done, sorted.size());
            }
        }
        progress.update("replaying", done, sorted.size());
        ReplayOutput out = engine.output();
        List<ReplayOutput.DeadLetter> dead = new ArrayList<>(out.deadLetters());
        dead.sort(Comparator.comparingLong(ReplayOutput.DeadLetter::line));
        return out.withDeadLetters(dead);
    }
}
