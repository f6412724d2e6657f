package io.tripwire.cli.demo;

import io.tripwire.engine.topology.TopicNames;
import io.tripwire.json.JsonForm;
import io.tripwire.schemas.AutonomyDecision;
import io.tripwire.schemas.HumanOverride;
import io.tripwire.schemas.MetricSample;
import io.tripwire.schemas.PolicyDecision;
import io.tripwire.schemas.RequestLatency;
import io.tripwire.schemas.RolloutStep;
import io.tripwire.wire.DecodeException;
import org.apache.avro.specific.SpecificRecord;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A recorded scenario (JSON-lines form, SPEC section 2) read into input events in timestamp order
 * (stable for equal times, as file replay orders them), each with the topic it belongs on.
 *
 * @param unreadable lines that could not be read or are not input events (skipped, like replay's dead letters)
 */
record Scenario(Path file, List<Event> events, List<String> unreadable) {

    /** One input event: where it goes, its key and its event time. */
    record Event(String topic, String tenant, Instant ts, SpecificRecord record) {
    }

    static Scenario read(Path file, TopicNames topics) throws IOException {
        List<Event> events = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            long n = 0;
            for (String raw = in.readLine(); raw != null; raw = in.readLine()) {
                n++;
                if (raw.isBlank()) {
                    continue;
                }
                try {
                    SpecificRecord e = JsonForm.parseLine(raw, n);
                    String topic = topicOf(e, topics);
                    if (topic == null) {
                        unreadable.add("line " + n + ": " + e.getSchema().getName() + " records are outputs, not input events");
                        continue;
                    }
                    events.add(new Event(topic, (String) field(e, "tenant"), (Instant) field(e, "ts"), e));
                } catch (DecodeException ex) {
                    unreadable.add(ex.getMessage());
                }
            }
        }
        events.sort(Comparator.comparing(Event::ts)); // stable: equal times keep file order
        return new Scenario(file, List.copyOf(events), List.copyOf(unreadable));
    }

    Instant first() {
        return events.isEmpty() ? Instant.EPOCH : events.get(0).ts();
    }

    Instant last() {
        return events.isEmpty() ? Instant.EPOCH : events.get(events.size() - 1).ts();
    }

    private static Object field(SpecificRecord e, String name) {
        return e.get(e.getSchema().getField(name).pos());
    }

    private static String topicOf(SpecificRecord e, TopicNames n) {
        if (e instanceof RequestLatency) {
            return n.requests();
        } else if (e instanceof MetricSample) {
            return n.metrics();
        } else if (e instanceof AutonomyDecision) {
            return n.autonomy();
        } else if (e instanceof PolicyDecision) {
            return n.policy();
        } else if (e instanceof RolloutStep) {
            return n.rollout();
        } else if (e instanceof HumanOverride) {
            return n.overrides();
        }
        return null;
    }
}
