package io.tripwire.cli.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tripwire.cli.TripwireCli;
import io.tripwire.cli.history.BeforeTheWindow;
import io.tripwire.engine.replay.ReplayEngine;
import io.tripwire.engine.rules.RulesLoader;
import io.tripwire.engine.tripwires.TripwireKinds;
import io.tripwire.json.JsonForm;
import io.tripwire.schemas.TripwireAction;
import io.tripwire.signing.ActionSigner;
import io.tripwire.signing.Ed25519Keys;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * File mode of {@code tripwire evidence} (issue 25): a file and an output directory are enough (the
 * window is the file's span, nothing sent to compare, the manifest says what was defaulted), and the
 * bundle verifies; a window inside a longer file carries in what came before it, so what the engine
 * sent in the window is exactly what the bundle implies.
 */
class EvidenceFileTest {

    private static final Path WAVE_A = Path.of("..", "test-data", "wave-a.jsonl");
    private static final Path STORY_RULES = Path.of("..", "test-data", "story-rules.yaml");

    record Run(int exit, String out, String err) {
    }

    static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine c = new CommandLine(new TripwireCli());
        c.setOut(new PrintWriter(out));
        c.setErr(new PrintWriter(err));
        return new Run(c.execute(args), out.toString(), err.toString());
    }

    @Test
    void aFileAndAnOutputDirectoryAreEnoughAndTheBundleVerifies(@TempDir Path dir) throws Exception {
        Path bundle = dir.resolve("bundle");
        Run made = cli("evidence", "--input", WAVE_A.toString(), "--out", bundle.toString());

        assertThat(made.exit()).as(made.out() + made.err()).isZero();
        long lines = Files.readAllLines(WAVE_A).stream().filter(l -> !l.isBlank()).count(); // every event is in the defaulted window
        assertThat(made.out()).contains("--from not given: the first event's time, 2025-10-06T09:00:00Z",
                "--to not given: the last event's time + 1 ms (the window's end is exclusive), 2025-10-06T10:59:58.894Z",
                String.format("%,d events replayed (and 0 before", lines), "no sent actions given (--actions): nothing compared");
        JsonNode manifest = new ObjectMapper().readTree(bundle.resolve("manifest.json").toFile());
        assertThat(manifest.get("window").get("from").asText()).isEqualTo("2025-10-06T09:00:00Z");
        assertThat(manifest.get("window").get("to").asText()).isEqualTo("2025-10-06T10:59:58.894Z");
        assertThat(manifest.get("window").get("defaulted").get("from").asText()).isEqualTo("the first event's time, 2025-10-06T09:00:00Z");
        assertThat(manifest.get("window").get("defaulted").has("to")).isTrue();
        assertThat(manifest.get("compared").asBoolean()).isFalse();
        assertThat(bundle.resolve("actions-sent.jsonl")).doesNotExist();
        assertThat(bundle.resolve("actions-public.pem")).doesNotExist();
        assertThat(Files.readString(bundle.resolve("comparison.md"))).contains("**Not compared**");
        assertThat(Files.readAllLines(bundle.resolve("replay/actions.jsonl"))).isNotEmpty();
        assertThat(Files.readString(bundle.resolve("kpis.md"))).contains("| TENANT_004 |");

        Run ok = cli("evidence", "verify", bundle.toString());
        assertThat(ok.exit()).as(ok.out()).isZero();
        assertThat(ok.out()).contains("verified (manifest signature, every artifact, no sent actions in the bundle: nothing compared)");

        // a sent-actions file slipped in afterwards is not in the manifest; a changed byte is named
        Files.writeString(bundle.resolve("actions-sent.jsonl"), "");
        Run added = cli("evidence", "verify", bundle.toString());
        assertThat(added.exit()).isEqualTo(1);
        assertThat(added.out()).contains(bundle.resolve("actions-sent.jsonl") + ": not in the manifest");
    }

    @Test
    void theMemosPilotReviewSeesAnApprovalGivenBeforeTheWindowAsTheGateDoes(@TempDir Path dir) throws Exception {
        // Wave A's pilot: approved at 09:55, the window 10:00-10:30; the approval was carried in, in force, as gate --autonomy says
        String[] window = {"--from", "2025-10-06T10:00:00Z", "--to", "2025-10-06T10:30:00Z", "--rules", STORY_RULES.toString()};
        Run made = cli(concat(new String[] {"evidence", "--input", WAVE_A.toString(), "--out", dir.resolve("b").toString()}, window));
        assertThat(made.exit()).as(made.out() + made.err()).isZero();
        JsonNode pilot = java.util.stream.StreamSupport.stream(new ObjectMapper().readTree(dir.resolve("b/pilot.json").toFile()).spliterator(), false)
                .filter(t -> t.get("tenant").asText().equals("TENANT_001")).findFirst().orElseThrow();
        Run gate = cli("gate", "--autonomy", "--tenant", "TENANT_001", "--window", "30m", "--at", "2025-10-06T10:30:00Z", "--input",
                WAVE_A.toString(), "--rules", STORY_RULES.toString(), "--json");
        JsonNode gated = new ObjectMapper().readTree(gate.out());
        assertThat(pilot.get("approvals")).singleElement().satisfies(a -> {
            assertThat(a.get("token").asText()).isEqualTo("CHG-PILOT-1");
            assertThat(a.get("inForce").asBoolean()).isTrue();
        });
        assertThat(pilot.get("approvals")).isEqualTo(gated.get("approvals"));
        assertThat(pilot.get("loopFirings").size()).isZero(); // no unapproved-enact: the engine honoured it
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void theEngineKeyGoesWithTheSentActionsAndOnlyWithThem(@TempDir Path dir) throws Exception {
        Ed25519Keys.write(Ed25519Keys.generate(), dir.resolve("engine"));
        String pem = dir.resolve("engine/public.pem").toString();
        Run noKey = cli("evidence", "--input", WAVE_A.toString(), "--out", dir.resolve("a").toString(), "--actions", WAVE_A.toString());
        assertThat(noKey.exit()).isEqualTo(2);
        assertThat(noKey.err()).contains("--actions needs --public-key");
        Run keyAlone = cli("evidence", "--input", WAVE_A.toString(), "--out", dir.resolve("b").toString(), "--public-key", pem);
        assertThat(keyAlone.exit()).isEqualTo(2);
        assertThat(keyAlone.err()).contains("--public-key goes with the action records that went out: give them with --actions FILE");
        Run resultsAlone = cli("evidence", "--input", WAVE_A.toString(), "--out", dir.resolve("c").toString(), "--results", WAVE_A.toString());
        assertThat(resultsAlone.exit()).isEqualTo(2);
        assertThat(resultsAlone.err()).contains("--results goes with the action records that went out");
        Run onTopics = cli("evidence", "--bootstrap-server", "127.0.0.1:1", "--out", dir.resolve("d").toString());
        assertThat(onTopics.exit()).isEqualTo(2);
        assertThat(onTopics.err()).contains("with --bootstrap-server, --from, --to and --public-key are required");
    }

    @Test
    void aWindowInALongerFileCarriesInWhatCameBeforeAndComparesClean(@TempDir Path dir) throws Exception {
        Instant end = Instant.parse("2025-10-10T00:00:00Z");
        Instant from = end.minus(BeforeTheWindow.WINDOW);
        List<SpecificRecord> events = BeforeTheWindow.events(end, "dpo@example.org", "dpo-2025",
                Ed25519Keys.readPrivate(Path.of("..", "test-data", "story-keys", "private.pem")));
        Path file = BeforeTheWindow.write(events, dir.resolve("events.jsonl"));
        // what the engine sent: every action of the whole recording, as a live engine made them, signed with its key
        KeyPair engineKey = Ed25519Keys.generate();
        Ed25519Keys.write(engineKey, dir.resolve("engine"));
        var rules = new RulesLoader(TripwireKinds::parse).load(STORY_RULES, List.of(), Map.of());
        List<TripwireAction> live;
        try (ReplayEngine engine = new ReplayEngine(rules, new ActionSigner(engineKey.getPrivate()))) {
            engine.sendAll(events);
            live = engine.output().actions();
        }
        Path sent = Files.write(dir.resolve("sent.jsonl"), live.stream().map(JsonForm::write).toList());
        List<TripwireAction> inWindow = live.stream().filter(a -> !a.getFiredAt().isBefore(from) && a.getFiredAt().isBefore(end)).toList();
        assertThat(inWindow).extracting(a -> a.getTenant() + " " + a.getTripwire() + " " + a.getAction())
                .containsExactly("TENANT_FROZEN ramp-freeze ROLLBACK_LAST_STEP", "TENANT_HELD residency-violation ABORT_OP",
                        "TENANT_HELD residency-violation AUDIT_EVENT");

        Path bundle = dir.resolve("bundle");
        Run made = cli("evidence", "--input", file.toString(), "--from", from.toString(), "--to", end.toString(), "--rules",
                STORY_RULES.toString(), "--actions", sent.toString(), "--public-key", dir.resolve("engine/public.pem").toString(),
                "--out", bundle.toString());

        assertThat(made.exit()).as(made.out() + made.err()).isZero();
        assertThat(made.out()).contains("3 actions implied, 3 sent: identical");
        // the carry-in built state only: the window's figures are its own 4 x 2,700 requests, its actions the 3 above
        assertThat(Files.readAllLines(bundle.resolve("replay/actions.jsonl"))).hasSize(3);
        JsonNode kpis = new ObjectMapper().readTree(bundle.resolve("kpis.json").toFile());
        assertThat(kpis).extracting(k -> k.get("tenant").asText() + "=" + k.get("requests").asLong())
                .containsExactly("TENANT_FROZEN=2700", "TENANT_HELD=2700", "TENANT_RELEASED=2700", "TENANT_THAWED=2700");
        assertThat(Files.readAllLines(bundle.resolve("replay/signals.jsonl")))
                .allSatisfy(l -> assertThat(Instant.parse(new ObjectMapper().readTree(l).get("at").asText())).isAfterOrEqualTo(from));
        JsonNode carried = new ObjectMapper().readTree(bundle.resolve("manifest.json").toFile()).get("window").get("carriedIn");
        assertThat(carried.get("readBack")).extracting(h -> h.get("what").asText()).containsExactly(
                "residency-violation REQUIRE_HITL of TENANT_HELD (scope TENANT_HELD)", "error-budget ROLLBACK_LAST_STEP of TENANT_THAWED (scope api)");
        assertThat(Files.readString(bundle.resolve("comparison.md"))).contains("## Carried in", "read back to 2025-10-05T00:00:00Z");
        Run ok = cli("evidence", "verify", bundle.toString());
        assertThat(ok.exit()).as(ok.out()).isZero();

        // the control: the window's events alone imply a hold the engine never opened and miss the rollback it made
        Path alone = BeforeTheWindow.write(events.stream().filter(e -> !BeforeTheWindow.ts(e).isBefore(from)).toList(), dir.resolve("alone.jsonl"));
        Run windowOnly = cli("evidence", "--input", alone.toString(), "--from", from.toString(), "--to", end.toString(), "--rules",
                STORY_RULES.toString(), "--actions", sent.toString(), "--public-key", dir.resolve("engine/public.pem").toString(),
                "--out", dir.resolve("alone").toString());
        assertThat(windowOnly.exit()).isEqualTo(1);
        assertThat(Files.readString(dir.resolve("alone/comparison.md")))
                .contains("TENANT_HELD residency-violation REQUIRE_HITL): implied by the recorded events, not sent",
                        "TENANT_FROZEN ramp-freeze ROLLBACK_LAST_STEP): not implied by the recorded events");
    }
}
