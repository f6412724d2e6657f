package io.tripwire.executor.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tripwire.executor.Executor;
import io.tripwire.executor.ExecutorSerdes;
import io.tripwire.executor.TestActions;
import io.tripwire.executor.config.ExecutorConfig;
import io.tripwire.executor.config.ExecutorConfigLoader;
import io.tripwire.executor.ledger.LedgerEntry;
import io.tripwire.executor.result.ResultCounter;
import io.tripwire.json.JsonForm;
import io.tripwire.schemas.ActionResult;
import io.tripwire.schemas.ResultStatus;
import io.tripwire.schemas.TripwireAction;
import io.tripwire.wire.AvroDeserializer;
import io.tripwire.wire.AvroSerializer;
import io.tripwire.kafka.EmbeddedKafka;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * One executor deployment on a shared broker: its own topics, registry name, key pair, config
 * directory and a {@code record.sh} command that appends {@code $ACTION_ID} and its arguments to
 * {@code invocations.txt} (and waits while a {@code hold} or {@code hold-<tenant>} file exists, fails while
 * {@code fail} does).
 */
final class ExecutorFixture implements AutoCloseable {

    private static final AtomicInteger SEQ = new AtomicInteger();

    final EmbeddedKafka kafka;
    final Path dir;
    final String name;
    final String actions;
    final String results;
    final String ledger;
    final String deadLetter;
    final String registryUrl;
    final TestActions engine = TestActions.withFreshKey();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<Executor> started = new ArrayList<>();
    private final KafkaProducer<byte[], byte[]> producer;
    private final AvroSerializer<TripwireAction> actionSerializer = new AvroSerializer<>();
    private final Map<String, TopicReader> readers = new HashMap<>();

    ExecutorFixture(EmbeddedKafka kafka, Path root, int partitions) {
        this.kafka = kafka;
        this.name = "t" + SEQ.incrementAndGet() + "-" + System.nanoTime() % 100_000;
        this.dir = root.resolve(name);
        this.actions = name + "-actions";
        this.results = name + "-results";
        this.ledger = name + "-ledger";
        this.deadLetter = name + "-dead-letter";
        this.registryUrl = "mock://" + name;
        kafka.createTopics(partitions, actions, results, deadLetter);
        engine.writePublicKey(dir.resolve("keys"));
        writeRecordScript();
        Map<String, Object> p = kafka.clientConfig();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        actionSerializer.configure(Map.of("schema.registry.url", registryUrl), false);
    }

    private void writeRecordScript() {
        try {
            Path scripts = Files.createDirectories(dir.resolve("scripts"));
            Path s = scripts.resolve("record.sh");
            Files.writeString(s, """
                    #!/usr/bin/env bash
                    set -euo pipefail
                    here="$(cd "$(dirname "$0")/.." && pwd)"
                    echo "$ACTION_ID $*" >> "$here/invocations.txt"
                    while [[ -f "$here/hold" || -f "$here/hold-$TRIPWIRE_TENANT" ]]; do sleep 0.05; done
                    if [[ -f "$here/fail" ]]; then echo "refusing: fail file present" >&2; exit 3; fi
                    echo "done $*"
                    """);
            Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The config of this deployment: fast retries, the given handlers (YAML under {@code handlers:}). */
    ExecutorConfig config(String group, String instance, boolean dryRun, String format, String handlersYaml) {
        String yaml = "kafka: {bootstrap-servers: \"" + kafka.bootstrapServers() + "\", group-id: " + name + "-" + group
                + ", transactional-id: " + name + "-" + instance + "}\n"
                + "topics: {actions: " + actions + ", results: " + results + ", ledger: " + ledger
                + ", dead-letter: " + deadLetter + "}\n"
                + "wire: {format: " + format + ", schema-registry-url: \"" + registryUrl + "\"}\n"
                + "trust: {public-keys: [keys/public.pem]}\n"
                + "dry-run: " + dryRun + "\n"
                + "defaults: {timeout: 5s, retry: {attempts: 3, backoff-base: 10ms, backoff-max: 40ms}}\n"
                + "handlers:\n" + handlersYaml;
        try {
            return new ExecutorConfigLoader(Map.of()).read(new ObjectMapper(new YAMLFactory()).readTree(yaml), dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ExecutorConfig config(String handlersYaml) {
        return config("group", "instance-1", false, "avro", handlersYaml);
    }

    /** Starts an executor and waits until it has restored its ledger and subscribed. */
    Executor start(ExecutorConfig config) throws InterruptedException {
        Executor e = Executor.create(config, meters);
        started.add(e);
        e.start();
        if (!e.awaitRunning(Duration.ofSeconds(60))) {
            throw new IllegalStateException("executor did not start", e.failure().orElse(null));
        }
        return e;
    }

    void produce(TripwireAction... batch) {
        for (TripwireAction a : batch) {
            produceRaw(a.getTenant().getBytes(StandardCharsets.UTF_8), actionSerializer.serialize(actions, a));
        }
        producer.flush();
    }

    void produceJson(TripwireAction a) {
        produceRaw(a.getTenant().getBytes(StandardCharsets.UTF_8), JsonForm.write(a).getBytes(StandardCharsets.UTF_8));
        producer.flush();
    }

    void produceRaw(byte[] key, byte[] value) {
        producer.send(new ProducerRecord<>(actions, key, value));
        producer.flush();
    }

    /** Command invocations so far: {@code "<ACTION_ID> <args>"} per line. */
    List<String> invocations() {
        Path f = dir.resolve("invocations.txt");
        try {
            return Files.exists(f) ? Files.readAllLines(f) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void touch(String file) throws IOException {
        Files.writeString(dir.resolve(file), "");
    }

    void remove(String file) throws IOException {
        Files.deleteIfExists(dir.resolve(file));
    }

    /** Avro results, waiting until at least {@code n} were committed; all of them so far. */
    List<ActionResult> awaitResults(int n) {
        return awaitResults(n, Duration.ofSeconds(60));
    }

    /** As {@link #awaitResults(int)}, with a longer bound for large bursts (a command runs in its own transaction). */
    List<ActionResult> awaitResults(int n, Duration within) {
        AvroDeserializer<ActionResult> d = new AvroDeserializer<>(ActionResult.class);
        d.configure(ExecutorSerdes.configs(configOfWire()), false);
        return reader(results).await(n, within).stream().map(r -> d.deserialize(results, r.value())).toList();
    }

    /** JSON results, as {@link #awaitResults}. */
    List<ActionResult> awaitJsonResults(int n) {
        return reader(results).await(n, Duration.ofSeconds(60)).stream()
                .map(r -> JsonForm.parse(new String(r.value(), StandardCharsets.UTF_8), ActionResult.class)).toList();
    }

    /** Results keyed by actionId (the last one of each). */
    static Map<String, ActionResult> byActionId(List<ActionResult> rs) {
        Map<String, ActionResult> out = new LinkedHashMap<>();
        rs.forEach(r -> out.put(r.getActionId(), r));
        return out;
    }

    static long count(List<ActionResult> rs, ResultStatus s) {
        return rs.stream().filter(r -> r.getStatus() == s).count();
    }

    List<ConsumerRecord<byte[], byte[]>> awaitDeadLetters(int n) {
        return reader(deadLetter).await(n, Duration.ofSeconds(60));
    }

    /** The committed ledger, folded by key. */
    Map<String, LedgerEntry> ledgerEntries() {
        Map<String, LedgerEntry> out = new LinkedHashMap<>();
        try (TopicReader reader = new TopicReader(kafka, ledger)) {
            for (ConsumerRecord<byte[], byte[]> r : reader.readToEnd()) {
                out.put(new String(r.key(), StandardCharsets.UTF_8), LedgerEntry.parse(r.value()));
            }
        }
        return out;
    }

    double counted(ResultStatus s) {
        return meters.get(ResultCounter.NAME).tag("status", s.name()).counter().count();
    }

    private io.tripwire.executor.config.WireSettings configOfWire() {
        return new io.tripwire.executor.config.WireSettings(io.tripwire.executor.config.WireSettings.Format.AVRO,
                registryUrl, true, "");
    }

    private TopicReader reader(String topic) {
        return readers.computeIfAbsent(topic, t -> new TopicReader(kafka, t));
    }

    static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        started.forEach(Executor::close);
        readers.values().forEach(TopicReader::close);
        producer.close();
    }

    /** Reads a whole topic, committed records only, accumulating across calls. */
    static final class TopicReader implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();

        TopicReader(EmbeddedKafka kafka, String topic) {
            Map<String, Object> p = kafka.clientConfig();
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> parts = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
        }

        /** Polls until at least {@code n} records were seen; then everything committed so far. */
        List<ConsumerRecord<byte[], byte[]>> await(int n, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (seen.size() < n && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100)).forEach(seen::add);
            }
            if (seen.size() < n) {
                throw new AssertionError("only " + seen.size() + " of " + n + " records arrived within " + timeout);
            }
            return readToEnd(); // and whatever else is committed: an extra result must not go unseen
        }

        /** Everything committed up to now (the end offsets taken at the call). */
        List<ConsumerRecord<byte[], byte[]>> readToEnd() {
            Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("topic not read to its end");
                }
                consumer.poll(Duration.ofMillis(100)).forEach(seen::add);
            }
            return List.copyOf(seen);
        }

        @Override
        public void close() {
            consumer.close();
        }
    }

    static <T> Map<String, Long> histogram(List<T> xs, Function<T, String> key) {
        Map<String, Long> out = new LinkedHashMap<>();
        xs.forEach(x -> out.merge(key.apply(x), 1L, Long::sum));
        return out;
    }
}
