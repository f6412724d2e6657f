package io.tripwire.engine;

import io.tripwire.engine.rules.Rules;
import io.tripwire.engine.rules.RulesLoader;
import io.tripwire.engine.topology.DeadLetters;
import io.tripwire.engine.topology.EngineTopics;
import io.tripwire.engine.topology.TopicNames;
import io.tripwire.engine.tripwires.TripwireKinds;
import io.tripwire.json.JsonForm;
import io.tripwire.kafka.EmbeddedKafka;
import io.tripwire.schemas.HumanOverride;
import io.tripwire.schemas.TripwireAction;
import io.tripwire.signing.ActionSigner;
import io.tripwire.signing.Ed25519Keys;
import io.tripwire.signing.OverrideSignatures;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.tripwire.engine.Events.STORY_KEY;
import static io.tripwire.engine.Events.at;
import static io.tripwire.engine.Events.policy;
import static io.tripwire.engine.Events.unsignedOverride;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC 3, "Human approvals", on a real broker: a residency hold is released by a valid signed
 * override and by nothing else. Seven overrides that must not release it (unsigned, changed after
 * signing, unknown key, a key rotated out, an approver not allowed the tripwire, past notAfter, a
 * token already used, the last after an engine restart on a fresh state directory, so from the
 * changelog) each leave the hold, land in the dead-letter topic with their reason and emit one
 * AUDIT_EVENT; and the live engine decides as its replay does.
 */
class HumanApprovalsIT {

    private static final String T = "TENANT_005";
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.builder().build().start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    private static HumanOverride signed(Instant ts, String token, String tripwire, String keyId, Instant notAfter, PrivateKey key) {
        return OverrideSignatures.sign(HumanOverride.newBuilder(unsignedOverride(ts, T, tripwire, token)).setKeyId(keyId)
                .setNotAfter(notAfter).build(), key);
    }

    @Test
    void aHoldIsReleasedByAValidSignedOverrideAndByNothingElseAlsoAcrossARestart(@TempDir Path dir) throws Exception {
        // the story key dpo-2025 rotated out at 10:18 for dpo-2026 (from 10:10); ops-1 may override error-budget only
        KeyPair next = Ed25519Keys.generate();
        KeyPair ops = Ed25519Keys.generate();
        KeyPair stranger = Ed25519Keys.generate();
        Ed25519Keys.write(next, dir.resolve("next"));
        Ed25519Keys.write(ops, dir.resolve("ops"));
        Path rulesFile = Files.writeString(dir.resolve("rules.yaml"), "extends: " + Path.of("..", "config", "tripwires.yaml").toAbsolutePath()
                + "\napprovers:\n"
                + "  - {id: dpo@example.org, public-key: " + Path.of("..", "test-data", "story-keys", "public.pem").toAbsolutePath()
                + ", key-id: dpo-2025, may-override: [residency-violation], valid-from: 2025-10-01T00:00:00Z, valid-until: 2025-10-06T10:18:00Z}\n"
                + "  - {id: dpo@example.org, public-key: next/public.pem, key-id: dpo-2026, may-override: [residency-violation],"
                + " valid-from: 2025-10-06T10:10:00Z}\n"
                + "  - {id: ops@example.org, public-key: ops/public.pem, key-id: ops-1, may-override: [error-budget],"
                + " valid-from: 2025-10-01T00:00:00Z}\n");
        Rules rules = new RulesLoader(TripwireKinds::parse).load(rulesFile, List.of(), Map.of());
        Instant hour = at("2025-10-06T11:00:00Z");

        List<SpecificRecord> before = List.of(policy(at("2025-10-06T10:15:00Z"), T, "ing-9", "DENY", "residency"));
        List<HumanOverride> refused = List.of(
                unsignedOverride(at("2025-10-06T10:16:00Z"), T, "residency-violation", "tok-a"),
                HumanOverride.newBuilder(signed(at("2025-10-06T10:17:00Z"), "tok-b", "residency-violation", "dpo-2026", hour, next.getPrivate()))
                        .setBy("someone-else").build(),
                signed(at("2025-10-06T10:18:30Z"), "tok-c", "residency-violation", "stranger", hour, stranger.getPrivate()),
                signed(at("2025-10-06T10:19:00Z"), "tok-d", "residency-violation", "dpo-2025", hour, STORY_KEY),
                signed(at("2025-10-06T10:20:00Z"), "tok-e", "residency-violation", "ops-1", hour, ops.getPrivate()),
                signed(at("2025-10-06T10:21:00Z"), "tok-f", "residency-violation", "dpo-2026", at("2025-10-06T10:20:30Z"), next.getPrivate()));
        HumanOverride valid = signed(at("2025-10-06T10:22:00Z"), "tok-1", "residency-violation", "dpo-2026", hour, next.getPrivate());
        SpecificRecord secondDeny = policy(at("2025-10-06T10:23:00Z"), T, "ing-10", "DENY", "residency");
        // after the restart: tok-1 once more (a new signature, a new notAfter: still the same token), then a fresh token
        HumanOverride reused = signed(at("2025-10-06T10:24:00Z"), "tok-1", "residency-violation", "dpo-2026",
                at("2025-10-06T11:30:00Z"), next.getPrivate());
        HumanOverride fresh = signed(at("2025-10-06T10:25:00Z"), "tok-2", "residency-violation", "dpo-2026", hour, next.getPrivate());

        TopicNames names = TopicNames.withPrefix("hitl-it-");
        try (Admin admin = Admin.create(kafka.adminConfig())) {
            TripwireEngine.createTopics(admin, names, 2, (short) 1);
        }
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(kafka.clientConfig(), new ByteArraySerializer(), new ByteArraySerializer())) {
            try (TripwireEngine engine = start(names, rules, dir.resolve("state-1"))) {
                send(p, names, before);
                assertThat(brief(readActions(names, 3))).containsExactly("residency-violation ABORT_OP", "residency-violation AUDIT_EVENT",
                        "residency-violation REQUIRE_HITL");
                send(p, names, refused);
                send(p, names, List.of(valid));
                send(p, names, List.of(secondDeny));
                List<TripwireAction> got = readActions(names, 3 + refused.size() + 1 + 2);
                assertThat(brief(got).subList(3, got.size())).containsExactly("hitl-approval AUDIT_EVENT", "hitl-approval AUDIT_EVENT",
                        "hitl-approval AUDIT_EVENT", "hitl-approval AUDIT_EVENT", "hitl-approval AUDIT_EVENT", "hitl-approval AUDIT_EVENT",
                        "residency-violation RESOLVED", "residency-violation ABORT_OP", "residency-violation AUDIT_EVENT",
                        "residency-violation REQUIRE_HITL");
                assertThat(got.get(9).getEvidence()).containsEntry("approver", "dpo@example.org").containsEntry("keyId", "dpo-2026");
            }
            // a new instance on an empty state directory: the used tokens come back from the changelog
            try (TripwireEngine engine = start(names, rules, dir.resolve("state-2"))) {
                send(p, names, List.of(reused, fresh));
                List<TripwireAction> got = readActions(names, 15);
                assertThat(brief(got).subList(13, 15)).containsExactly("hitl-approval AUDIT_EVENT", "residency-violation RESOLVED");
                assertThat(got.get(13).getEvidence()).containsEntry("refused", "override-token-reused").containsEntry("approvalTokenId", "tok-1");
            }
        }
        assertThat(deadLetterReasons(names, 7)).containsExactly("override-unsigned", "override-bad-signature", "override-untrusted-key",
                "override-untrusted-key", "override-not-permitted", "override-expired", "override-token-reused");

        // and the replay of the same events decides the same, to the action ids
        List<SpecificRecord> all = new ArrayList<>(before);
        all.addAll(refused);
        all.addAll(List.of(valid, secondDeny, reused, fresh));
        try (var replay = new io.tripwire.engine.replay.ReplayEngine(rules, new ActionSigner(Engines.KEYS.getPrivate()))) {
            replay.sendAll(all);
            assertThat(readActions(names, 15)).extracting(TripwireAction::getActionId)
                    .containsExactlyElementsOf(replay.output().actions().stream().map(TripwireAction::getActionId).toList());
            assertThat(replay.output().deadLetters()).extracting(d -> d.reason())
                    .containsExactlyElementsOf(deadLetterReasons(names, 7));
        }
    }

    private static TripwireEngine start(TopicNames names, Rules rules, Path state) throws Exception {
        TripwireEngine.Settings s = new TripwireEngine.Settings("hitl-it", kafka.bootstrapServers(), Map.of("schema.registry.url", "mock://hitl-it"),
                state, names, EngineTopics.ActionFormat.JSON, Map.of("replication.factor", 1, "commit.interval.ms", 20));
        TripwireEngine engine = TripwireEngine.start(s, rules, new ActionSigner(Engines.KEYS.getPrivate()));
        engine.awaitRunning(Duration.ofSeconds(60));
        return engine;
    }

    /** In the JSON form (SPEC 2), keyed by tenant, one at a time and acknowledged, so their order is the topic's. */
    private static void send(KafkaProducer<byte[], byte[]> p, TopicNames names, List<? extends SpecificRecord> events) throws Exception {
        for (SpecificRecord e : events) {
            p.send(new ProducerRecord<>(names.topicOf(e), T.getBytes(StandardCharsets.UTF_8),
                    JsonForm.write(e).getBytes(StandardCharsets.UTF_8))).get();
        }
    }

    private static List<String> brief(List<TripwireAction> actions) {
        return actions.stream().map(a -> a.getTripwire() + " " + a.getAction()).toList();
    }

    private static List<TripwireAction> readActions(TopicNames names, int expected) {
        List<TripwireAction> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : read(names.actions(), expected)) {
            out.add((TripwireAction) JsonForm.parseLine(new String(r.value(), StandardCharsets.UTF_8), 1));
        }
        return out;
    }

    private static List<String> deadLetterReasons(TopicNames names, int expected) {
        List<String> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : read(names.deadLetter(), expected)) {
            Header h = r.headers().lastHeader(DeadLetters.REASON_HEADER);
            out.add(h == null ? "(no reason)" : new String(h.value(), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static List<ConsumerRecord<byte[], byte[]>> read(String topic, int expected) {
        return BrokerTopics.read(kafka, topic, expected);
    }
}
