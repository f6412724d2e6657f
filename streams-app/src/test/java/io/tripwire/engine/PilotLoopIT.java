package io.tripwire.engine;

import io.tripwire.engine.replay.ReplayEngine;
import io.tripwire.engine.topology.EngineTopics;
import io.tripwire.engine.topology.TopicNames;
import io.tripwire.json.JsonForm;
import io.tripwire.kafka.EmbeddedKafka;
import io.tripwire.schemas.TripwireAction;
import io.tripwire.signing.ActionSigner;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static io.tripwire.engine.Events.approval;
import static io.tripwire.engine.Events.at;
import static io.tripwire.engine.Events.autonomy;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The autonomy pilot's loop (issue 24) on a real broker, decided as its replay decides: a simulation
 * hour, an approval sent too early (refused), one after the simulation passed (honoured), ENACT
 * decisions that fire nothing, then a drifting simulation beside production (simulation-delta:
 * ALERT, BLOCK_ENACT), after which the pilot's next decision is unapproved. Each phase is sent once
 * the engine has committed the one before, since the approval and the decisions travel on different
 * topics.
 */
class PilotLoopIT {

    private static final String T = "TENANT_001";
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.builder().build().start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    @Test
    void theLoopOnABrokerGivesTheRecordsOfItsReplay(@TempDir Path state) throws Exception {
        List<List<SpecificRecord>> phases = new ArrayList<>();
        List<SpecificRecord> simulation = new ArrayList<>();
        for (int i = 0; i < 1210; i++) { // 09:00-10:00:30, one proposal every 3 s, none differing
            simulation.add(autonomy(at("2025-10-06T09:00:00Z").plusSeconds(3L * i), T, "sim-" + i, "SIMULATE", "AUTONOMOUS"));
        }
        phases.add(simulation.subList(0, 600));
        phases.add(List.of(approval(at("2025-10-06T09:30:01Z"), T, "CHG-0")));             // 600 proposals: e = 11, refused
        phases.add(simulation.subList(600, 1210));
        phases.add(List.of(approval(at("2025-10-06T10:00:31Z"), T, "CHG-1")));             // 1,210: honoured
        List<SpecificRecord> production = new ArrayList<>();
        for (int i = 0; i < 120; i++) { // ENACT 10:01-10:21, and from 10:05 the simulation beside it drifts: 1 in 4 differs
            Instant t = at("2025-10-06T10:01:00Z").plusSeconds(10L * i);
            production.add(autonomy(t, T, "op-" + i, "ENACT", "AUTONOMOUS"));
            if (i >= 24) {
                production.add(autonomy(t.plusMillis(1), T, "sim-b-" + i, "SIMULATE", "AUTONOMOUS"));
                if (i % 4 == 0) {
                    production.add(autonomy(t.plusMillis(2), T, "sim-b-" + i, "SIMULATE", "COMPENSATED"));
                }
            }
        }
        phases.add(production);

        TopicNames names = TopicNames.withPrefix("pilot-it-");
        try (Admin admin = Admin.create(kafka.adminConfig())) {
            TripwireEngine.createTopics(admin, names, 2, (short) 1);
            TripwireEngine.Settings s = new TripwireEngine.Settings("pilot-it", kafka.bootstrapServers(), Map.of("schema.registry.url", "mock://pilot-it"),
                    state, names, EngineTopics.ActionFormat.JSON, Map.of("replication.factor", 1, "commit.interval.ms", 20));
            try (TripwireEngine engine = TripwireEngine.start(s, Engines.rules(), new ActionSigner(Engines.KEYS.getPrivate()));
                 KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(kafka.clientConfig(), new ByteArraySerializer(), new ByteArraySerializer())) {
                engine.awaitRunning(Duration.ofSeconds(60));
                for (List<SpecificRecord> phase : phases) {
                    RecordMetadata last = null;
                    for (SpecificRecord e : phase) {
                        last = p.send(new ProducerRecord<>(names.topicOf(e), T.getBytes(StandardCharsets.UTF_8),
                                JsonForm.write(e).getBytes(StandardCharsets.UTF_8))).get();
                    }
                    BrokerTopics.awaitCommitted(admin, "pilot-it", new TopicPartition(last.topic(), last.partition()), last.offset() + 1);
                }
            }
        }

        List<SpecificRecord> all = new ArrayList<>();
        phases.forEach(all::addAll);
        all.sort(Comparator.comparing(r -> (Instant) r.get(r.getSchema().getField("ts").pos())));
        List<TripwireAction> replayed;
        try (ReplayEngine replay = Engines.engine()) {
            replay.sendAll(all);
            replayed = replay.output().actions();
        }
        assertThat(replayed).extracting(a -> a.getTripwire() + " " + a.getAction()).containsExactly(
                "hitl-approval AUDIT_EVENT",
                "simulation-delta ALERT", "simulation-delta BLOCK_ENACT",
                "unapproved-enact THROTTLE_AUTONOMY", "unapproved-enact ENTER_SIMULATE", "unapproved-enact AUDIT_EVENT");
        List<TripwireAction> live = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : BrokerTopics.read(kafka, names.actions(), replayed.size())) {
            live.add((TripwireAction) JsonForm.parseLine(new String(r.value(), StandardCharsets.UTF_8), 1));
        }
        assertThat(live).extracting(TripwireAction::getActionId).containsExactlyElementsOf(replayed.stream().map(TripwireAction::getActionId).toList());
        assertThat(live).extracting(TripwireAction::getEvidenceId).containsExactlyElementsOf(replayed.stream().map(TripwireAction::getEvidenceId).toList());
        assertThat(BrokerTopics.read(kafka, names.deadLetter(), 1)).extracting(r -> new String(r.headers().lastHeader(
                io.tripwire.engine.topology.DeadLetters.REASON_HEADER).value(), StandardCharsets.UTF_8)).containsExactly("override-simulation-not-passed");
    }
}
