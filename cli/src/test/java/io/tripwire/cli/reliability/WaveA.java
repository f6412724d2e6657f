package io.tripwire.cli.reliability;

import io.tripwire.cli.RulesOptions;
import io.tripwire.engine.replay.FileReplay;
import io.tripwire.engine.rules.Rules;
import io.tripwire.json.JsonForm;
import io.tripwire.schemas.TripwireAction;
import io.tripwire.signing.ActionSigner;
import io.tripwire.signing.Ed25519Keys;
import org.apache.avro.specific.SpecificRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scenario every reliability IT streams: {@code test-data/wave-a.jsonl} (one hour, 5 tenants,
 * 38 actions: error budget, burn rates, held-for latency and ingest errors, a replica-lag run, a cache
 * warm-up dip, a cost alert, a residency hold, two refused overrides and a signed one that releases it, a ramp frozen and broken,
 * the autonomy pilot's refused approval and an unapproved enactment), in timestamp order (stable, as replay
 * sorts it), and the actions of a clean run: file replay of the same file through the same topology
 * with the same rules and signing key, in this JVM. Computed once per JVM.
 *
 * <p>Every event time is moved by whole days to yesterday (same time of day, so minute buckets and
 * windows are unchanged). The engine's records carry event time as their Kafka timestamp; with the
 * file's 2025 dates, action records would be over a year old, and the broker's 7-day retention
 * deletes them as soon as their segment rolls (which the first transaction marker, stamped with the
 * wall clock, triggers): the test would lose committed actions to retention, not to a crash.
 */
final class WaveA {

    /** One input event and its JSON form (what goes on the topic). */
    record Event(SpecificRecord record, String tenant, Instant ts, String json) {
    }

    static final Path FILE = Path.of("..", "test-data", "wave-a.jsonl").toAbsolutePath().normalize();
    static final Path SHIPPED_RULES = Path.of("..", "config", "tripwires.yaml").toAbsolutePath().normalize();

    /** Whole days from the file's date (2025-10-06) to yesterday, UTC. */
    static final Duration SHIFT = Duration.ofDays(ChronoUnit.DAYS.between(LocalDate.parse("2025-10-06"),
            LocalDate.now(ZoneOffset.UTC).minusDays(1)));

    private static KeyPair keys;
    private static KeyPair approver;
    private static Path rules;
    private static Path shiftedFile;
    private static Path keyDir;
    private static List<Event> events;
    private static Map<String, String> reference;

    private WaveA() {
    }

    /** The fixed signing key pair of this JVM's runs, written to {@code target/reliability/keys}. */
    static synchronized Path privateKey() {
        if (keys == null) {
            keys = Ed25519Keys.generate();
            keyDir = Path.of("target", "reliability", "keys").toAbsolutePath();
            try {
                Ed25519Keys.write(keys, keyDir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return keyDir.resolve("private.pem");
    }

    /**
     * The shipped rules plus one approver, {@code dpo@example.org}, whose key (made for this JVM) re-signs the
     * story's signed overrides once they are moved in time (SPEC 3, "Human approvals": the signature covers
     * {@code ts} and {@code notAfter}); the unsigned one stays unsigned and the reused token reused.
     */
    static synchronized Path rules() {
        if (rules == null) {
            approver = Ed25519Keys.generate();
            Path dir = Path.of("target", "reliability").toAbsolutePath();
            try {
                Ed25519Keys.write(approver, dir.resolve("approver"));
                rules = Files.writeString(dir.resolve("rules.yaml"), "extends: " + SHIPPED_RULES + "\napprovers:\n"
                        + "  - {id: dpo@example.org, public-key: approver/public.pem, key-id: reliability-dpo,"
                        + " may-override: [residency-violation, error-budget, simulation-delta], valid-from: " + at("00:00:00") + "}\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return rules;
    }

    /** The events in timestamp order (equal times keep file order). */
    static synchronized List<Event> events() throws IOException {
        if (events == null) {
            List<Event> out = new ArrayList<>();
            long n = 0;
            for (String line : Files.readAllLines(FILE)) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                SpecificRecord r = JsonForm.parseLine(line, n);
                int ts = r.getSchema().getField("ts").pos();
                r.put(ts, ((Instant) r.get(ts)).plus(SHIFT));
                if (r instanceof io.tripwire.schemas.HumanOverride o && o.getSignature() != null) {
                    rules();
                    r = io.tripwire.signing.OverrideSignatures.sign(io.tripwire.schemas.HumanOverride.newBuilder(o)
                            .setNotAfter(o.getNotAfter().plus(SHIFT)).setKeyId("reliability-dpo").setSignature(null).build(),
                            approver.getPrivate());
                }
                out.add(new Event(r, (String) r.get(r.getSchema().getField("tenant").pos()),
                        (Instant) r.get(r.getSchema().getField("ts").pos()), JsonForm.write(r)));
            }
            out.sort(Comparator.comparing(Event::ts));
            events = List.copyOf(out);
            shiftedFile = Files.createDirectories(Path.of("target", "reliability").toAbsolutePath()).resolve("wave-a-shifted.jsonl");
            Files.write(shiftedFile, events.stream().map(Event::json).toList());
        }
        return events;
    }

    /** actionId to the JSON record (as the engine writes it with action-format json) of a clean run. */
    static synchronized Map<String, String> reference() throws IOException {
        if (reference == null) {
            privateKey();
            events();
            Rules rules = RulesOptions.load(rules(), List.of());
            Map<String, String> out = new LinkedHashMap<>();
            for (TripwireAction a : FileReplay.run(shiftedFile, rules, new ActionSigner(keys.getPrivate()), (phase, done, total) -> { }).actions()) {
                if (out.put(a.getActionId(), JsonForm.write(a)) != null) {
                    throw new IllegalStateException("the clean run has a duplicate actionId " + a.getActionId());
                }
            }
            reference = Map.copyOf(out);
        }
        return reference;
    }

    /** A time of the file's day (e.g. {@code 10:31:00}), moved like the events. */
    static Instant at(String timeOfDay) {
        return Instant.parse("2025-10-06T" + timeOfDay + "Z").plus(SHIFT);
    }

    /** Index of the first event at or after {@code ts}. */
    static int indexAt(List<Event> events, Instant ts) {
        for (int i = 0; i < events.size(); i++) {
            if (!events.get(i).ts().isBefore(ts)) {
                return i;
            }
        }
        return events.size();
    }
}
