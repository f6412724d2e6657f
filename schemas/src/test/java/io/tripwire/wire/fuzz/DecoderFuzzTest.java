package io.tripwire.wire.fuzz;

import io.tripwire.json.JsonForm;
import io.tripwire.schemas.AutonomyDecision;
import io.tripwire.schemas.HumanOverride;
import io.tripwire.schemas.MetricSample;
import io.tripwire.schemas.PolicyDecision;
import io.tripwire.schemas.RequestLatency;
import io.tripwire.schemas.RolloutStep;
import io.tripwire.testing.SampleRecords;
import io.tripwire.wire.AvroDeserializer;
import io.tripwire.wire.AvroSerializer;
import io.tripwire.wire.DecodeException;
import io.tripwire.wire.EventValidation;
import io.tripwire.wire.InputDeserializer;
import io.tripwire.wire.MockSchemaRegistry;
import io.tripwire.wire.WireFormat;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Seeded fuzzing of every reader of untrusted input: {@link InputDeserializer} and
 * {@link AvroDeserializer} for each input record type, {@link JsonForm#parseLine} and
 * {@link JsonForm#parse}. Inputs are mutations of valid Avro wire-format values and valid JSON lines
 * (the sample records and lines of {@code test-data/wave-a.jsonl}) plus random bytes.
 *
 * <p>The property: a reader either throws {@link DecodeException} (the one documented decode error)
 * or returns a record that {@link EventValidation} accepts and that the Avro wire format can carry;
 * nothing else escapes and nothing hangs (each batch runs under a time limit).
 *
 * <p>Reproduce: every case {@code i} uses its own generator seeded from {@code fuzz.seed} (default
 * below) and {@code i}; a failure prints seed, case, mutation and the input. 3 families x 35,000 = 105,000 mutated inputs by default; run more with
 * {@code -Dfuzz.cases=N} (per family).
 */
class DecoderFuzzTest {

    private static final long SEED = Long.getLong("fuzz.seed", 0x7121_9e5L);
    private static final int CASES = Integer.getInteger("fuzz.cases", 35_000);
    private static final int BATCH = 2_000;
    private static final Duration BATCH_LIMIT = Duration.ofSeconds(20);
    private static final String REGISTRY = "fuzz-" + SEED;

    /** The input record types with their topic (SPEC section 1). */
    private static final Map<Class<? extends SpecificRecord>, String> INPUTS = new LinkedHashMap<>();

    static {
        INPUTS.put(RequestLatency.class, "request-latency");
        INPUTS.put(MetricSample.class, "metric-samples");
        INPUTS.put(AutonomyDecision.class, "autonomy-decisions");
        INPUTS.put(PolicyDecision.class, "policy-decisions");
        INPUTS.put(RolloutStep.class, "rollout-steps");
        INPUTS.put(HumanOverride.class, "hitl-overrides");
    }

    private static final Map<String, Object> CONFIG = Map.of("schema.registry.url", "mock://" + REGISTRY);
    private static final Map<Class<?>, InputDeserializer<?>> INPUT_READERS = new LinkedHashMap<>();
    private static final Map<Class<?>, AvroDeserializer<?>> AVRO_READERS = new LinkedHashMap<>();
    /** Valid wire-format values of every sample record (inputs and outputs), and their schema ids. */
    private static final List<byte[]> AVRO_SEEDS = new ArrayList<>();
    private static final List<Integer> SCHEMA_IDS = new ArrayList<>();
    /** Valid JSON lines: the samples written by JsonForm and lines of wave-a.jsonl. */
    private static final List<String> JSON_SEEDS = new ArrayList<>();

    private static long decodes;
    private static long knownBugHits;

    @BeforeAll
    static void seeds() throws IOException {
        for (Class<? extends SpecificRecord> type : INPUTS.keySet()) {
            INPUT_READERS.put(type, configured(new InputDeserializer<>(type)));
            AVRO_READERS.put(type, configured(new AvroDeserializer<>(type)));
        }
        AvroSerializer<SpecificRecord> writer = new AvroSerializer<>();
        writer.configure(CONFIG, false);
        for (SpecificRecord r : SampleRecords.all()) {
            byte[] bytes = writer.serialize(topicOf(r.getClass()), r);
            AVRO_SEEDS.add(bytes);
            SCHEMA_IDS.add(ByteBuffer.wrap(bytes, 1, 4).getInt());
            JSON_SEEDS.add(JsonForm.write(r));
        }
        Path wave = Path.of("..", "test-data", "wave-a.jsonl");
        try (Stream<String> lines = Files.lines(wave)) {
            // every 97th line: all kinds of the file, not only the first few thousand requests
            List<String> all = lines.toList();
            for (int i = 0; i < all.size(); i += 97) {
                JSON_SEEDS.add(all.get(i));
            }
        }
        assertThat(JSON_SEEDS).hasSizeGreaterThan(200);
        // the wave's records as Avro too, so the Avro seeds carry real-world strings and numbers
        for (int i = SampleRecords.all().size(); i < JSON_SEEDS.size(); i += 5) {
            SpecificRecord r = JsonForm.parseLine(JSON_SEEDS.get(i), i);
            AVRO_SEEDS.add(writer.serialize(topicOf(r.getClass()), r));
        }
    }

    @AfterAll
    static void dropRegistry() {
        MockSchemaRegistry.drop(REGISTRY);
        System.out.printf("DecoderFuzzTest: seed %d, %d cases per family, %d decode calls, %d decoded with a ts outside epoch millis"
                + " (known bug, OutOfRangeTimestampBugTest)%n", SEED, CASES, decodes, knownBugHits);
    }

    private static <D extends org.apache.kafka.common.serialization.Deserializer<?>> D configured(D d) {
        d.configure(CONFIG, false);
        return d;
    }

    private static String topicOf(Class<?> type) {
        return INPUTS.getOrDefault(type, type.getSimpleName().equals("TripwireAction") ? "tripwire-actions" : "action-results");
    }

    @Test
    void mutatedAvroValuesOnlyEverThrowDecodeException() {
        runBatches("avro", (rnd, i) -> {
            byte[] seed = AVRO_SEEDS.get(rnd.nextInt(AVRO_SEEDS.size()));
            return Mutations.bytes(seed, rnd, SCHEMA_IDS);
        }, this::decodeBytesEverywhere);
    }

    @Test
    void randomBytesAndMutatedJsonBytesOnlyEverThrowDecodeException() {
        runBatches("bytes", (rnd, i) -> {
            if (rnd.nextInt(3) == 0) {
                return new Mutations.Case<>("random", Mutations.randomBytes(rnd, 1 + rnd.nextInt(80)));
            }
            byte[] json = JSON_SEEDS.get(rnd.nextInt(JSON_SEEDS.size())).getBytes(StandardCharsets.UTF_8);
            if (rnd.nextInt(8) == 0) {
                json = withBom(json);
            }
            return Mutations.bytes(json, rnd, SCHEMA_IDS);
        }, this::decodeBytesEverywhere);
    }

    @Test
    void mutatedJsonLinesOnlyEverThrowDecodeException() {
        runBatches("json", (rnd, i) -> Mutations.json(JSON_SEEDS.get(rnd.nextInt(JSON_SEEDS.size())), rnd), this::decodeJsonEverywhere);
    }

    @Test
    void aValidHeaderWithAnExistingSchemaIdOfAnotherTypeIsADecodeError() {
        // given: the body of each sample under the header of every other sample's schema id
        int crossed = 0;
        for (int body = 0; body < SampleRecords.all().size(); body++) {
            for (int header = 0; header < SCHEMA_IDS.size(); header++) {
                if (body == header) {
                    continue;
                }
                byte[] value = AVRO_SEEDS.get(body).clone();
                System.arraycopy(WireFormat.header(SCHEMA_IDS.get(header)), 0, value, 0, WireFormat.HEADER_SIZE);

                // when / then: every reader refuses it with DecodeException or reads a valid record
                decodeBytesEverywhere(value, "crossed body " + body + " under id " + SCHEMA_IDS.get(header));
                crossed++;
            }
        }
        assertThat(crossed).isEqualTo(56);
    }

    @Test
    void aRecordWhoseWriterSchemaIsAnotherInputTypeIsRefusedAsBadAvro() {
        // given: a valid PolicyDecision value (its own, registered schema id) on the request topic
        byte[] policy = AVRO_SEEDS.get(3);

        // when
        Throwable t = catchAny(() -> INPUT_READERS.get(RequestLatency.class).deserialize("request-latency", policy));

        // then
        assertThat(t).isInstanceOf(DecodeException.class);
        assertThat(((DecodeException) t).reason()).isEqualTo("bad-avro");
    }

    // ---------------------------------------------------------------------------------------------

    /** One mutated input and how it was made. */
    interface Generator<T> {
        Mutations.Case<T> next(SplittableRandom rnd, int i);
    }

    interface Check<T> {
        void check(T input, String how);
    }

    private <T> void runBatches(String family, Generator<T> generator, Check<T> check) {
        for (int from = 0; from < CASES; from += BATCH) {
            int start = from;
            int end = Math.min(CASES, from + BATCH);
            assertTimeoutPreemptively(BATCH_LIMIT, () -> {
                for (int i = start; i < end; i++) {
                    SplittableRandom rnd = new SplittableRandom(SEED * 1_000_003L + family.hashCode() * 31L + i);
                    Mutations.Case<T> c = generator.next(rnd, i);
                    check.check(c.input(), "seed " + SEED + ", " + family + " case " + i + " (" + c.how() + ")");
                }
            }, () -> family + " cases " + start + ".." + (end - 1) + " took over " + BATCH_LIMIT + " (seed " + SEED + ")");
        }
    }

    private void decodeBytesEverywhere(byte[] value, String how) {
        for (Class<?> type : INPUTS.keySet()) {
            String topic = topicOf(type);
            expectDecodeErrorOrValid(() -> INPUT_READERS.get(type).deserialize(topic, value), type, value, how, "InputDeserializer", true);
            // AvroDeserializer is the plain wire-format reader (outputs too): it documents decode errors only, and
            // leaves the value rules to InputDeserializer, so a decoded record need only be of the right type
            expectDecodeErrorOrValid(() -> AVRO_READERS.get(type).deserialize(topic, value), type, value, how, "AvroDeserializer", false);
        }
    }

    /** parseLine, and parse as the kind the line names (when it is an input kind) and as one other input kind. */
    private void decodeJsonEverywhere(String line, String how) {
        expectDecodeErrorOrValid(() -> JsonForm.parseLine(line, 7), null, line, how, "JsonForm.parseLine", true);
        List<Class<? extends SpecificRecord>> types = new ArrayList<>(INPUTS.keySet());
        int named = -1;
        for (int t = 0; t < types.size(); t++) {
            if (line.contains("\"type\":\"" + JsonForm.typeOf(types.get(t)) + "\"")) {
                named = t;
            }
        }
        int other = Math.floorMod(line.hashCode(), types.size());
        for (int t : named < 0 || named == other ? new int[] {other} : new int[] {named, other}) {
            Class<? extends SpecificRecord> type = types.get(t);
            expectDecodeErrorOrValid(() -> JsonForm.parse(line, type), type, line, how, "JsonForm.parse", true);
        }
    }

    private interface Decode {
        Object run();
    }

    private static void expectDecodeErrorOrValid(Decode decode, Class<?> type, Object input, String how, String reader,
                                                 boolean validated) {
        decodes++;
        Object out;
        try {
            out = decode.run();
        } catch (DecodeException expected) {
            return;
        } catch (Throwable t) {
            fail(reader + (type == null ? "" : "<" + type.getSimpleName() + ">") + " threw " + t + " instead of DecodeException; "
                    + how + "; input " + shown(input), t);
            return;
        }
        if (validated && knownBugTsOutOfRange(out)) {
            return;
        }
        try {
            if (validated) {
                assertValid(out, type);
            } else {
                assertThat(out).isNotNull().isInstanceOf(type);
            }
        } catch (Throwable t) {
            fail(reader + (type == null ? "" : "<" + type.getSimpleName() + ">") + " returned an invalid record " + out + ": "
                    + t.getMessage() + "; " + how + "; input " + shown(input), t);
        }
    }

    /**
     * What a successful decode must satisfy: a record of the asked-for type that passes
     * {@link EventValidation} (so, e.g., latency is finite and &gt;= 0) and whose event time
     * fits Avro's timestamp-millis (the JSON and Avro forms carry the same records).
     */
    private static void assertValid(Object out, Class<?> type) {
        assertThat(out).isNotNull();
        if (type != null) {
            assertThat(out).isInstanceOf(type);
        }
        SpecificRecord r = (SpecificRecord) out;
        EventValidation.validate(r);
        if (r instanceof RequestLatency q) {
            assertThat(Double.isFinite(q.getLatencyMs()) && q.getLatencyMs() >= 0).as("latency finite and >= 0").isTrue();
            assertThat(q.getStatus()).isBetween(100, 599);
        }
        if (r instanceof MetricSample m) {
            assertThat(Double.isFinite(m.getValue())).as("metric value finite").isTrue();
        }
        if (r.getSchema().getField("ts") != null) {
            Instant ts = (Instant) r.get(r.getSchema().getField("ts").pos());
            assertThat(ts).isNotNull();
            assertEpochMillis(ts);
        }
    }

    /**
     * Bug (see {@link OutOfRangeTimestampBugTest}): the JSON form accepts a {@code ts} that does not fit epoch
     * milliseconds. Counted and printed, not failed here, so this test guards everything else; the
     * disabled test pins the bug.
     */
    private static boolean knownBugTsOutOfRange(Object out) {
        if (out instanceof SpecificRecord r && r.getSchema().getField("ts") != null
                && r.get(r.getSchema().getField("ts").pos()) instanceof Instant ts) {
            try {
                ts.toEpochMilli();
            } catch (ArithmeticException e) {
                knownBugHits++;
                return true;
            }
        }
        return false;
    }

    /** The engine reads event time as epoch milliseconds (EventTime, TripwireProcessor). */
    static void assertEpochMillis(Instant ts) {
        try {
            ts.toEpochMilli();
        } catch (ArithmeticException e) {
            throw new AssertionError("ts " + ts + " does not fit epoch milliseconds (Avro timestamp-millis)", e);
        }
    }

    private static Throwable catchAny(Runnable r) {
        try {
            r.run();
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    private static byte[] withBom(byte[] json) {
        byte[] out = new byte[json.length + 3];
        out[0] = (byte) 0xef;
        out[1] = (byte) 0xbb;
        out[2] = (byte) 0xbf;
        System.arraycopy(json, 0, out, 3, json.length);
        return out;
    }

    private static String shown(Object input) {
        if (input instanceof byte[] b) {
            return "hex " + HexFormat.of().formatHex(b);
        }
        String s = String.valueOf(input);
        String cut = s.length() > 2_000 ? s.substring(0, 2_000) + "...(" + s.length() + " chars)" : s;
        StringBuilder out = new StringBuilder("\"");
        cut.codePoints().forEach(c -> {
            if (c < 0x20 || c > 0x7e) {
                out.append(c > 0xffff ? String.format("\\u{%x}", c) : String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.append('"').toString();
    }
}
