package io.tripwire.engine.reliability;

import io.tripwire.engine.Engines;
import io.tripwire.engine.TripwireEngine;
import io.tripwire.engine.topology.EngineObserver;
import io.tripwire.engine.topology.EngineTopics;
import io.tripwire.engine.topology.TopicNames;
import io.tripwire.json.JsonForm;
import io.tripwire.kafka.EmbeddedKafka;
import io.tripwire.schemas.RequestLatency;
import io.tripwire.schemas.TripwireAction;
import io.tripwire.signing.ActionSigner;
import io.tripwire.wire.AvroDeserializer;
import io.tripwire.wire.AvroSerializer;
import io.tripwire.wire.DecodeException;
import io.tripwire.wire.InputDeserializer;
import io.tripwire.wire.MockSchemaRegistry;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import static io.tripwire.engine.Events.at;
import static io.tripwire.engine.Events.autonomy;
import static io.tripwire.engine.Events.metric;
import static io.tripwire.engine.Events.override;
import static io.tripwire.engine.Events.policy;
import static io.tripwire.engine.Events.request;
import static io.tripwire.engine.Events.rollout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * SPEC section 7 on a real broker: for every input record, exactly one of "counted in the signals"
 * ({@link EngineObserver#accepted}) or "dead-lettered" holds, every dead letter carries the right
 * reason, its source topic, partition and offset, and the original value bytes, and the engine goes on
 * (still RUNNING, still firing) after the garbage.
 */
class AccountingIT {

    private static final String REGISTRY = "accounting-it";
    private static final Map<String, Object> SERDE = Map.of("schema.registry.url", "mock://" + REGISTRY);
    /** Bad records of each kind; spread over the input topics where the kind allows. */
    private static final int K = 6;
    private static final int GOOD_PER_TENANT_AND_TOPIC = 70;
    private static final List<String> TENANTS = List.of("TENANT_A1", "TENANT_A2", "TENANT_A3", "TENANT_A4", "TENANT_A5",
            "TENANT_A6", "TENANT_A7", "TENANT_A8");
    private static final Instant T0 = at("2025-10-06T10:00:00Z");

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.builder().build().start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
        MockSchemaRegistry.drop(REGISTRY);
    }

    /** One produced input record: where it landed, its bytes, and the reason it must be dead-lettered with (null: accepted). */
    record Sent(String topic, int partition, long offset, byte[] value, String reason) {
        String where() {
            return topic + "-" + partition + "@" + offset;
        }
    }

    /** Counts accepted events (the observer runs on the stream thread). */
    static final class Counting implements EngineObserver {
        final AtomicLong accepted = new AtomicLong();

        @Override
        public void accepted(SpecificRecord event) {
            accepted.incrementAndGet();
        }
    }

    @Test
    void everyInputRecordIsEitherCountedOrDeadLetteredWithItsReasonSourceAndBytes() throws Exception {
        // given: an engine, and a few thousand good records interleaved with K bad ones of every kind
        TopicNames names = topics("acct-");
        createTopics(names, 2);
        Counting observer = new Counting();
        List<Sent> sent = new ArrayList<>();
        try (TripwireEngine engine = start(names, "accounting-it", observer);
             KafkaProducer<String, byte[]> producer = producer()) {
            Inputs in = new Inputs(names, producer, sent);
            in.goodAndBadInterleaved();
            // after the garbage, a residency DENY for a fresh tenant: the engine must still fire
            in.good(policy(T0.plusSeconds(3_600), "TENANT_Z9", "op-after-garbage", "DENY", "residency"));
            producer.flush();

            long good = sent.stream().filter(s -> s.reason() == null).count();
            long bad = sent.size() - good;
            System.out.printf("AccountingIT: N=%d records (%d good, %d bad of %d kinds)%n", sent.size(), good, bad,
                    sent.stream().map(Sent::reason).filter(r -> r != null).distinct().count());

            // when: the engine has worked through them
            Map<String, ConsumerRecord<byte[], byte[]>> deadLetters = readDeadLetters(names, bad,
                    () -> observer.accepted.get() == good, Duration.ofSeconds(180));

            // then: accepted + dead-lettered == N, and each side is exactly the expected records
            assertThat(observer.accepted.get() + deadLetters.size()).as("accepted + dead-lettered == N").isEqualTo(sent.size());
            assertThat(observer.accepted.get()).as("accepted").isEqualTo(good);
            Map<String, Sent> expectedDead = new TreeMap<>();
            sent.stream().filter(s -> s.reason() != null).forEach(s -> expectedDead.put(s.where(), s));
            assertThat(deadLetters.keySet()).as("dead letters by source topic-partition@offset").isEqualTo(expectedDead.keySet());
            for (Sent s : expectedDead.values()) {
                ConsumerRecord<byte[], byte[]> dl = deadLetters.get(s.where());
                assertThat(header(dl, "tripwire.reason")).as("reason of " + s.where()).isEqualTo(s.reason());
                assertThat(header(dl, "__streams.errors.topic")).isEqualTo(s.topic());
                assertThat(header(dl, "__streams.errors.partition")).isEqualTo(String.valueOf(s.partition()));
                assertThat(header(dl, "__streams.errors.offset")).isEqualTo(String.valueOf(s.offset()));
                assertThat(header(dl, "__streams.errors.exception")).as("exception of " + s.where()).isNotBlank();
                assertThat(header(dl, "__streams.errors.message")).as("message of " + s.where()).isNotBlank();
                assertThat(dl.value()).as("value bytes of " + s.where()).isEqualTo(s.value());
            }
            assertThat(expectedDead.values().stream().map(Sent::reason).distinct().sorted().toList()).containsExactly(
                    "bad-json", "bad-magic-byte", "bad-timestamp", "future", "invalid-value", "late", "missing-field",
                    "truncated", "unknown-enum", "unknown-schema-id");

            // and the engine goes on: still RUNNING, and the DENY after the garbage fired
            assertThat(engine.streams().state()).isEqualTo(KafkaStreams.State.RUNNING);
            List<TripwireAction> actions = readActions(names, "TENANT_Z9", 3, Duration.ofSeconds(60));
            assertThat(actions).extracting(a -> a.getAction().name()).contains("REQUIRE_HITL", "ABORT_OP", "AUDIT_EVENT");
        }
    }

    @Disabled("bug: an event more than 1 h ahead of the wall clock (the broker's default log.message.timestamp.after.max.ms) "
            + "is refused as 'future', but its dead-letter record keeps the event's timestamp (DeadLetters.records uses "
            + "ExceptionHandlerUtils.buildDeadLetterQueueRecord, which copies ctx.timestamp()), so the broker rejects the "
            + "DLQ write with InvalidTimestampException, the transaction aborts, the stream thread dies and is replaced, and "
            + "the same record fails again: the partition is stuck and accepted events are re-processed")
    @Test
    void aFutureEventMoreThanAnHourAheadIsDeadLetteredAndTheEngineGoesOn() throws Exception {
        // given
        TopicNames names = topics("far-future-");
        createTopics(names, 1);
        Counting observer = new Counting();
        List<Sent> sent = new ArrayList<>();
        try (TripwireEngine engine = start(names, "accounting-it-far-future", observer);
             KafkaProducer<String, byte[]> producer = producer()) {
            Inputs in = new Inputs(names, producer, sent);
            // when: a policy decision two hours ahead (a producer with a broken clock), then a DENY
            byte[] future = avro(names.policy(), policy(Instant.now().plus(Duration.ofHours(2)), "TENANT_F1", "op-1", "DENY", "residency"));
            in.send(names.policy(), "TENANT_F1", future, "future");
            in.good(policy(T0, "TENANT_F2", "op-2", "DENY", "residency"));
            producer.flush();

            // then: dead-lettered as future, the DENY after it fired, the engine RUNNING
            Map<String, ConsumerRecord<byte[], byte[]>> dead = readDeadLetters(names, 1, () -> observer.accepted.get() >= 1,
                    Duration.ofSeconds(60));
            assertThat(dead).hasSize(1);
            assertThat(header(dead.values().iterator().next(), "tripwire.reason")).isEqualTo("future");
            assertThat(observer.accepted.get()).isEqualTo(1);
            assertThat(readActions(names, "TENANT_F2", 3, Duration.ofSeconds(30))).extracting(a -> a.getAction().name())
                    .contains("REQUIRE_HITL");
            assertThat(engine.streams().state()).isEqualTo(KafkaStreams.State.RUNNING);
        }
    }

    @Disabled("bug: an event with ts before 1970-01-01 is neither accepted nor dead-lettered. EventTime returns its "
            + "negative ts and Kafka Streams (RecordQueue) silently drops records with a negative extracted timestamp "
            + "(log 'Skipping record due to negative extracted timestamp', dropped-records metric), so SPEC section 7's "
            + "'exactly one of counted or dead-lettered' fails")
    @Test
    void anEventBeforeTheEpochIsCountedOrDeadLettered() throws Exception {
        // given
        TopicNames names = topics("epoch-");
        createTopics(names, 1);
        Counting observer = new Counting();
        List<Sent> sent = new ArrayList<>();
        try (TripwireEngine engine = start(names, "accounting-it-epoch", observer);
             KafkaProducer<String, byte[]> producer = producer()) {
            Inputs in = new Inputs(names, producer, sent);
            // when: a request at 1969-12-31T23:59:59Z (a valid Avro timestamp-millis: -1000) for a fresh tenant
            in.send(names.requests(), "TENANT_E1", avro(names.requests(),
                    request(at("1969-12-31T23:59:59Z"), "TENANT_E1", "api", "READ", 200, 5)), null);
            in.good(policy(T0, "TENANT_E2", "op-marker", "DENY", "residency"));
            producer.flush();
            // wait for the marker's actions, so the earlier record has surely been handled
            readActions(names, "TENANT_E2", 3, Duration.ofSeconds(60));
            Map<String, ConsumerRecord<byte[], byte[]>> dead = readDeadLetters(names, 1, () -> true, Duration.ofSeconds(5));

            // then: accepted (a valid record) or, at least, dead-lettered, never neither
            assertThat(observer.accepted.get() + dead.size()).as("accepted + dead-lettered == N").isEqualTo(sent.size());
        }
    }

    @Disabled("bug: a JSON event whose ts does not fit epoch milliseconds (\"+1000000000-01-01T00:00:00Z\") decodes "
            + "(JsonFields.instant), then EventTime.extract's toEpochMilli() throws ArithmeticException: a fatal "
            + "StreamsException, not a dead letter; the replaced stream thread meets the same record again, so its "
            + "partition never moves on (see OutOfRangeTimestampBugTest in schemas)")
    @Test
    void aJsonEventWithATimestampBeyondEpochMillisIsDeadLetteredAndTheEngineGoesOn() throws Exception {
        // given
        TopicNames names = topics("ts-range-");
        createTopics(names, 1);
        Counting observer = new Counting();
        List<Sent> sent = new ArrayList<>();
        try (TripwireEngine engine = start(names, "accounting-it-ts-range", observer);
             KafkaProducer<String, byte[]> producer = producer()) {
            Inputs in = new Inputs(names, producer, sent);
            // when
            // (produced unchecked: today the JSON reader accepts it, which is the bug)
            in.unchecked(names.policy(), "TENANT_R1", ("{\"type\":\"policy\",\"ts\":\"+1000000000-01-01T00:00:00Z\","
                    + "\"tenant\":\"TENANT_R1\",\"opId\":\"op-1\",\"decision\":\"DENY\",\"policy\":\"residency\"}")
                    .getBytes(StandardCharsets.UTF_8), "bad-timestamp");
            in.good(policy(T0, "TENANT_R2", "op-2", "DENY", "residency"));
            producer.flush();

            // then
            Map<String, ConsumerRecord<byte[], byte[]>> dead = readDeadLetters(names, 1, () -> observer.accepted.get() == 1,
                    Duration.ofSeconds(60));
            assertThat(dead).hasSize(1);
            assertThat(header(dead.values().iterator().next(), "tripwire.reason")).isEqualTo("bad-timestamp");
            assertThat(readActions(names, "TENANT_R2", 3, Duration.ofSeconds(30))).extracting(a -> a.getAction().name())
                    .contains("REQUIRE_HITL");
        }
    }

    // ---- the inputs -----------------------------------------------------------------------------

    /** Produces inputs as raw bytes and remembers where each landed. */
    private static final class Inputs {
        private final TopicNames names;
        private final KafkaProducer<String, byte[]> producer;
        private final List<Sent> sent;
        /** Largest ts sent so far per tenant and topic: the engine's per-tenant stream time. */
        private final Map<String, Instant> clocks = new HashMap<>();

        Inputs(TopicNames names, KafkaProducer<String, byte[]> producer, List<Sent> sent) {
            this.names = names;
            this.producer = producer;
            this.sent = sent;
        }

        void goodAndBadInterleaved() throws Exception {
            List<Runnable> bad = badRecords();
            int every = (TENANTS.size() * GOOD_PER_TENANT_AND_TOPIC * 6) / bad.size();
            int n = 0;
            int nextBad = 0;
            for (int i = 0; i < GOOD_PER_TENANT_AND_TOPIC; i++) {
                Instant ts = T0.plusSeconds(10L * i);
                for (String tenant : TENANTS) {
                    for (SpecificRecord e : goodEvents(ts, tenant, i)) {
                        good(e);
                        if (++n % every == 0 && nextBad < bad.size()) {
                            bad.get(nextBad++).run();
                        }
                    }
                }
            }
            while (nextBad < bad.size()) {
                bad.get(nextBad++).run();
            }
            // an event exactly at stream time minus grace still counts (docs/tripwires.md)
            Instant clock = clocks.get(names.requests() + "/TENANT_A1");
            good(request(clock.minusSeconds(30), "TENANT_A1", "api", "READ", 200, 12));
        }

        private static List<SpecificRecord> goodEvents(Instant ts, String tenant, int i) {
            return List.of(
                    request(ts, tenant, "api", i % 2 == 0 ? "READ" : "WRITE", 200, 20 + i % 7),
                    metric(ts, tenant, "pg_replica_lag_seconds", 5 + i % 3, Map.of("replica", "db-" + i % 2)),
                    autonomy(ts, tenant, "op-" + i, i % 3 == 0 ? "SIMULATE" : "ENACT", "AUTONOMOUS"),
                    policy(ts, tenant, "op-" + i, "ALLOW", "residency"),
                    rollout(ts, tenant, 10, 2),
                    override(ts, tenant, "residency-violation", "tok-" + i));
        }

        /** K records of every bad kind, each produced when its turn comes (late ones need the clocks of that moment). */
        private List<Runnable> badRecords() {
            List<Runnable> out = new ArrayList<>();
            List<String> topics = names.inputs();
            for (int k = 0; k < K; k++) {
                int kk = k;
                String topic = topics.get(k % topics.size());
                String tenant = TENANTS.get(k % TENANTS.size());
                RequestLatency ok = request(T0, tenant, "api", "READ", 200, 10);
                out.add(() -> {
                    byte[] v = avro(names.requests(), ok);
                    v[0] = 0x01;
                    raw(names.requests(), tenant, v, "bad-magic-byte");
                });
                out.add(() -> {
                    // a valid record of this topic's kind under a schema id no one registered
                    byte[] v = avro(topic, goodEvents(T0, tenant, kk).get(topics.indexOf(topic)));
                    java.nio.ByteBuffer.wrap(v).putInt(1, 900_000 + kk);
                    raw(topic, tenant, v, "unknown-schema-id");
                });
                out.add(() -> {
                    byte[] v = avro(names.requests(), ok);
                    raw(names.requests(), tenant, Arrays.copyOf(v, v.length - 2 - kk), "truncated");
                });
                out.add(() -> raw(topic, tenant, ("{\"type\":\"" + typeOf(topic) + "\",\"ts\":").getBytes(StandardCharsets.UTF_8),
                        "bad-json"));
                out.add(() -> json(topic, tenant, JsonForm.write(goodEvents(T0, tenant, kk).get(topics.indexOf(topic)))
                        .replace("\"tenant\":\"" + tenant + "\",", ""), "missing-field"));
                out.add(() -> json(names.requests(), tenant, "{\"type\":\"request\",\"ts\":\"2025-10-06T10:00:01Z\",\"tenant\":\""
                        + tenant + "\",\"service\":\"api\",\"op\":\"READ\",\"status\":200,\"latencyMs\":-" + (kk + 1) + ".5}",
                        "invalid-value"));
                out.add(() -> raw(names.requests(), tenant, avro(names.requests(),
                        request(T0, tenant, "api", "READ", 200, kk % 2 == 0 ? -0.25 : Double.NaN)), "invalid-value"));
                out.add(() -> raw(names.requests(), tenant, avro(names.requests(),
                        request(T0, tenant, "api", "READ", 200, Double.NaN)), "invalid-value"));
                out.add(() -> json(names.requests(), tenant, "{\"type\":\"request\",\"ts\":\"2025-10-06T10:00:01Z\",\"tenant\":\""
                        + tenant + "\",\"service\":\"api\",\"op\":\"DELETE\",\"status\":200,\"latencyMs\":3}", "unknown-enum"));
                out.add(() -> raw(names.requests(), tenant, avroWithUnknownOp(names.requests(), tenant), "unknown-enum"));
                out.add(() -> json(topic, tenant, JsonForm.write(goodEvents(T0, tenant, kk).get(topics.indexOf(topic)))
                        .replaceFirst("\"ts\":\"[^\"]*\"", "\"ts\":\"6 Oct 2025 10:00\""), "bad-timestamp"));
                out.add(() -> {
                    // more than future-skew (10 min) ahead of the wall clock, but under the broker's default
                    // log.message.timestamp.after.max.ms (1 h): see aFutureEventMoreThanAnHourAheadIsDeadLettered...
                    SpecificRecord e = goodEvents(Instant.now().plus(Duration.ofMinutes(15 + 5L * kk)), tenant, kk)
                            .get(topics.indexOf(topic));
                    raw(topic, tenant, avro(topic, e), "future");
                });
                out.add(() -> {
                    // older than the tenant's stream time (on that topic) minus the 30 s grace
                    Instant clock = clocks.get(topic + "/" + tenant);
                    Instant late = (clock == null ? T0 : clock).minusSeconds(31 + kk);
                    SpecificRecord e = goodEvents(late, tenant, kk).get(topics.indexOf(topic));
                    raw(topic, tenant, avro(topic, e), clock == null ? null : "late");
                });
            }
            return out;
        }

        void good(SpecificRecord e) {
            String topic = topicOf(names, e);
            String tenant = (String) e.get(e.getSchema().getField("tenant").pos());
            raw(topic, tenant, avro(topic, e), null);
        }

        void json(String topic, String tenant, String json, String reason) {
            raw(topic, tenant, json.getBytes(StandardCharsets.UTF_8), reason);
        }

        void raw(String topic, String tenant, byte[] value, String reason) {
            try {
                send(topic, tenant, value, reason);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        void unchecked(String topic, String tenant, byte[] value, String reason) throws Exception {
            RecordMetadata m = producer.send(new ProducerRecord<>(topic, tenant, value)).get();
            sent.add(new Sent(topic, m.partition(), m.offset(), value, reason));
        }

        void send(String topic, String tenant, byte[] value, String reason) throws Exception {
            if (reason == null || !reason.equals("late") && !reason.equals("future")) {
                assertDecodes(topic, value, reason);
            }
            if (reason == null) {
                Instant ts = tsOf(topic, value);
                clocks.merge(topic + "/" + tenant, ts, (a, b) -> a.isAfter(b) ? a : b);
            }
            RecordMetadata m = producer.send(new ProducerRecord<>(topic, tenant, value)).get();
            sent.add(new Sent(topic, m.partition(), m.offset(), value, reason));
        }
    }

    /** Checks, before producing, that the engine's own reader gives the expected decode outcome. */
    private static void assertDecodes(String topic, byte[] value, String reason) {
        InputDeserializer<SpecificRecord> reader = inputReader(topic);
        if (reason == null) {
            assertThat(reader.deserialize(topic, value)).isNotNull();
        } else {
            DecodeException e = catchThrowableOfType(DecodeException.class, () -> reader.deserialize(topic, value));
            assertThat(e).as("decoding a record meant to be " + reason).isNotNull();
            assertThat(e.reason()).isEqualTo(reason);
        }
    }

    private static Instant tsOf(String topic, byte[] value) {
        SpecificRecord r = inputReader(topic).deserialize(topic, value);
        return (Instant) r.get(r.getSchema().getField("ts").pos());
    }

    private static final Map<String, InputDeserializer<SpecificRecord>> READERS = new HashMap<>();

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static InputDeserializer<SpecificRecord> inputReader(String topic) {
        return READERS.computeIfAbsent(topic, t -> {
            Class<? extends SpecificRecord> type = classOf(t);
            InputDeserializer<SpecificRecord> d = new InputDeserializer(type);
            d.configure(SERDE, false);
            return d;
        });
    }

    private static Class<? extends SpecificRecord> classOf(String topic) {
        // topics are "<prefix>-<default name>"; the prefix may itself hold dashes
        TopicNames d = TopicNames.DEFAULTS;
        if (topic.endsWith(d.requests())) {
            return io.tripwire.schemas.RequestLatency.class;
        } else if (topic.endsWith(d.metrics())) {
            return io.tripwire.schemas.MetricSample.class;
        } else if (topic.endsWith(d.autonomy())) {
            return io.tripwire.schemas.AutonomyDecision.class;
        } else if (topic.endsWith(d.policy())) {
            return io.tripwire.schemas.PolicyDecision.class;
        } else if (topic.endsWith(d.rollout())) {
            return io.tripwire.schemas.RolloutStep.class;
        } else if (topic.endsWith(d.overrides())) {
            return io.tripwire.schemas.HumanOverride.class;
        }
        throw new IllegalArgumentException(topic);
    }

    private static String typeOf(String topic) {
        return JsonForm.typeOf(classOf(topic));
    }

    private static String topicOf(TopicNames n, SpecificRecord e) {
        return switch (e.getSchema().getName()) {
            case "RequestLatency" -> n.requests();
            case "MetricSample" -> n.metrics();
            case "AutonomyDecision" -> n.autonomy();
            case "PolicyDecision" -> n.policy();
            case "RolloutStep" -> n.rollout();
            default -> n.overrides();
        };
    }

    private static final AvroSerializer<SpecificRecord> AVRO = new AvroSerializer<>();

    static {
        AVRO.configure(SERDE, false);
    }

    private static byte[] avro(String topic, SpecificRecord e) {
        return AVRO.serialize(topic, e);
    }

    /**
     * A RequestLatency written by a producer whose schema has a newer {@code Op} symbol, DELETE: the
     * writer schema is registered (the id exists), but the engine's reader schema has no such symbol.
     */
    private static byte[] avroWithUnknownOp(String topic, String tenant) {
        Schema writer = new Schema.Parser().parse(RequestLatency.getClassSchema().toString()
                .replace("\"symbols\":[\"READ\",\"WRITE\"]", "\"symbols\":[\"READ\",\"WRITE\",\"DELETE\"]"));
        assertThat(writer.getField("op").schema().getEnumSymbols()).contains("DELETE");
        int id = MockSchemaRegistry.forName(REGISTRY).register(topic + "-value", writer);
        GenericRecord r = new GenericData.Record(writer);
        r.put("ts", T0.toEpochMilli());
        r.put("tenant", tenant);
        r.put("service", "api");
        r.put("op", new GenericData.EnumSymbol(writer.getField("op").schema(), "DELETE"));
        r.put("status", 200);
        r.put("latencyMs", 3.0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(io.tripwire.wire.WireFormat.header(id));
        BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            new GenericDatumWriter<GenericRecord>(writer).write(r, enc);
            enc.flush();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    // ---- engine and topics ----------------------------------------------------------------------

    static TopicNames topics(String prefix) {
        TopicNames d = TopicNames.DEFAULTS;
        return new TopicNames(prefix + d.requests(), prefix + d.metrics(), prefix + d.autonomy(), prefix + d.policy(),
                prefix + d.rollout(), prefix + d.overrides(), prefix + d.actions(), prefix + d.results(), prefix + d.deadLetter(),
                prefix + d.signals());
    }

    private static void createTopics(TopicNames names, int partitions) {
        try (Admin admin = Admin.create(kafka.adminConfig())) {
            TripwireEngine.createTopics(admin, names, partitions, (short) 1);
        }
    }

    private static TripwireEngine start(TopicNames names, String appId, EngineObserver observer) throws Exception {
        TripwireEngine.Settings s = new TripwireEngine.Settings(appId, kafka.bootstrapServers(), SERDE,
                Files.createTempDirectory("accounting-it-state"), names, EngineTopics.ActionFormat.AVRO,
                Map.of("replication.factor", 1));
        TripwireEngine engine = TripwireEngine.start(s, Engines.rules(), new ActionSigner(Engines.KEYS.getPrivate()), observer);
        engine.awaitRunning(Duration.ofSeconds(60));
        return engine;
    }

    private static KafkaProducer<String, byte[]> producer() {
        Map<String, Object> cfg = new HashMap<>(kafka.clientConfig());
        cfg.put("linger.ms", 5);
        return new KafkaProducer<>(cfg, new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * Reads the dead-letter topic (read_committed) until {@code expected} records arrived and
     * {@code alsoDone} holds, or the timeout; then 2 s more, to catch records that should not be there.
     * Keyed by the source "topic-partition@offset" of each dead letter; a second dead letter for the
     * same source fails.
     */
    private static Map<String, ConsumerRecord<byte[], byte[]>> readDeadLetters(TopicNames names, long expected,
                                                                            Supplier<Boolean> alsoDone, Duration timeout) {
        Map<String, Object> cfg = new HashMap<>(kafka.clientConfig());
        cfg.put("group.id", "dlq-" + UUID.randomUUID());
        cfg.put("auto.offset.reset", "earliest");
        cfg.put("isolation.level", "read_committed");
        Map<String, ConsumerRecord<byte[], byte[]>> out = new LinkedHashMap<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(cfg, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(names.deadLetter()));
            long end = System.nanoTime() + timeout.toNanos();
            while ((out.size() < expected || !alsoDone.get()) && System.nanoTime() < end) {
                c.poll(Duration.ofMillis(200)).forEach(r -> addOnce(out, r));
            }
            long settle = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (System.nanoTime() < settle) {
                c.poll(Duration.ofMillis(200)).forEach(r -> addOnce(out, r));
            }
        }
        return out;
    }

    private static void addOnce(Map<String, ConsumerRecord<byte[], byte[]>> out, ConsumerRecord<byte[], byte[]> r) {
        String source = header(r, "__streams.errors.topic") + "-" + header(r, "__streams.errors.partition") + "@"
                + header(r, "__streams.errors.offset");
        ConsumerRecord<byte[], byte[]> before = out.put(source, r);
        assertThat(before).as("a second dead letter for " + source).isNull();
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** Actions of {@code tenant} on the action topic (read_committed), until {@code expected} arrived or the timeout. */
    private static List<TripwireAction> readActions(TopicNames names, String tenant, int expected, Duration timeout) {
        Map<String, Object> cfg = new HashMap<>(kafka.clientConfig());
        cfg.put("group.id", "actions-" + UUID.randomUUID());
        cfg.put("auto.offset.reset", "earliest");
        cfg.put("isolation.level", "read_committed");
        AvroDeserializer<TripwireAction> d = new AvroDeserializer<>(TripwireAction.class);
        d.configure(SERDE, false);
        List<TripwireAction> out = new ArrayList<>();
        try (KafkaConsumer<String, TripwireAction> c = new KafkaConsumer<>(cfg, new StringDeserializer(), d)) {
            c.subscribe(List.of(names.actions()));
            long end = System.nanoTime() + timeout.toNanos();
            while (out.size() < expected && System.nanoTime() < end) {
                c.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (tenant.equals(r.key())) {
                        out.add(r.value());
                    }
                });
            }
        }
        return out;
    }
}
