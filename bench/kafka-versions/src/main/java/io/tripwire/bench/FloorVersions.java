package io.tripwire.bench;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;

/**
 * Kafka Streams' own per-record cost, for whichever Kafka Streams this jar was built with: the
 * engine's shape with nothing in it (six input topics merged into one processor that does nothing,
 * exactly_once_v2, 100 ms commits, two stream threads, the default {@code max.task.idle.ms}),
 * the same with the request topic alone, and a plain consumer of that topic, in rounds. Values are
 * opaque bytes (no decoding), so only the framework is measured. Run two builds of it against one
 * broker, one after the other (BENCHMARKS.md, "Kafka Streams versions").
 */
public final class FloorVersions {

    private static final String[] INPUTS = {"request-latency", "metric-samples", "autonomy-decisions", "policy-decisions",
        "rollout-steps", "hitl-overrides"};
    private static final int PARTITIONS = 2;

    private FloorVersions() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>(Map.of("--events", "3000000", "--rounds", "2"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i], args[i + 1]);
        }
        String bootstrap = opts.get("--bootstrap-server");
        if (bootstrap == null || args.length % 2 != 0) {
            System.err.println("usage: java -jar floor-VERSION.jar --bootstrap-server HOST:PORT [--events N] [--rounds R]");
            System.exit(2);
        }
        long n = Long.parseLong(opts.get("--events"));
        int rounds = Integer.parseInt(opts.get("--rounds"));
        String version = streamsVersion();
        String prefix = "fv-" + version + "-" + UUID.randomUUID().toString().substring(0, 6) + "-";
        System.out.printf("kafka_streams_version=%s%nevents=%d%ncores=%d%n", version, n, Runtime.getRuntime().availableProcessors());
        produce(bootstrap, prefix, n);
        for (int r = 1; r <= rounds; r++) {
            double[] consumer = consumer(bootstrap, prefix + INPUTS[0], n);
            double[] six = floor(bootstrap, prefix, n, true);
            double[] one = floor(bootstrap, prefix, n, false);
            System.out.printf(Locale.ROOT, "round%d_consumer_events_per_s=%.0f%nround%d_consumer_steady_events_per_s=%.0f%n", r, consumer[0], r, consumer[1]);
            System.out.printf(Locale.ROOT, "round%d_floor_events_per_s=%.0f%nround%d_floor_steady_events_per_s=%.0f%n", r, six[0], r, six[1]);
            System.out.printf(Locale.ROOT, "round%d_floor_requests_only_events_per_s=%.0f%nround%d_floor_requests_only_steady_events_per_s=%.0f%n",
                    r, one[0], r, one[1]);
            System.out.printf(Locale.ROOT, "round%d_ratio_floor_steady=%.3f%nround%d_ratio_floor_requests_only_steady=%.3f%n",
                    r, six[1] / consumer[1], r, one[1] / consumer[1]);
            System.out.flush();
        }
    }

    /** The version in the Kafka Streams jar on the classpath (its kafka-streams-version.properties). */
    private static String streamsVersion() throws java.io.IOException {
        Properties v = new Properties();
        try (var in = KafkaStreams.class.getResourceAsStream("/kafka/kafka-streams-version.properties")) {
            if (in != null) {
                v.load(in);
            }
        }
        return v.getProperty("version", "unknown");
    }

    private static void produce(String bootstrap, String prefix, long n) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            List<NewTopic> topics = new ArrayList<>();
            for (String t : INPUTS) {
                topics.add(new NewTopic(prefix + t, PARTITIONS, (short) 1));
            }
            admin.createTopics(topics).all().get();
        }
        Map<String, Object> cfg = Map.of("bootstrap.servers", bootstrap, "linger.ms", 20, "batch.size", 262_144);
        Random random = new Random(42);
        byte[] value = new byte[60]; // about an Avro request-latency event
        long t0 = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(cfg, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (long i = 0; i < n; i++) {
                random.nextBytes(value);
                p.send(new ProducerRecord<>(prefix + INPUTS[0], ("TENANT_" + (i % 50)).getBytes(), value.clone()));
            }
            p.flush();
        }
        System.err.printf("produced %,d events in %.1f s%n", n, (System.nanoTime() - t0) / 1e9);
    }

    /** [rate from start, steady rate (10% to 90% of the events)]. */
    private static double[] consumer(String bootstrap, String topic, long n) {
        Map<String, Object> cfg = Map.of("bootstrap.servers", bootstrap, "enable.auto.commit", false);
        long t0 = System.nanoTime();
        Steady steady = new Steady(n);
        long read = 0;
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(cfg, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
            c.assign(tps);
            c.seekToBeginning(tps);
            while (read < n) {
                ConsumerRecords<byte[], byte[]> records = c.poll(Duration.ofMillis(200));
                read += records.count();
                steady.sample(System.nanoTime(), read);
            }
        }
        double s = (System.nanoTime() - t0) / 1e9;
        System.err.printf("consumer: %,d in %.2f s%n", read, s);
        return new double[] {n / s, steady.rate()};
    }

    /** The no-op application from start until its committed offsets reach the end: [rate, steady rate]. */
    private static double[] floor(String bootstrap, String prefix, long n, boolean allInputs) throws Exception {
        String appId = prefix + "floor-" + UUID.randomUUID().toString().substring(0, 6);
        StreamsBuilder builder = new StreamsBuilder();
        Consumed<byte[], byte[]> bytes = Consumed.with(Serdes.ByteArray(), Serdes.ByteArray());
        KStream<byte[], byte[]> merged = builder.stream(prefix + INPUTS[0], bytes);
        if (allInputs) {
            for (int i = 1; i < INPUTS.length; i++) {
                merged = merged.merge(builder.stream(prefix + INPUTS[i], bytes));
            }
        }
        merged.process(() -> new Processor<byte[], byte[], Void, Void>() {
            @Override
            public void process(Record<byte[], byte[]> record) {
                // nothing: only Kafka Streams' own work per record
            }
        });
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("floor-versions").toString());
        p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        List<TopicPartition> tps = List.of(new TopicPartition(prefix + INPUTS[0], 0), new TopicPartition(prefix + INPUTS[0], 1));
        Steady steady = new Steady(n);
        long t0 = System.nanoTime();
        double s;
        try (KafkaStreams streams = new KafkaStreams(builder.build(), p); Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            streams.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(300).toNanos();
            while (true) {
                long committed = 0;
                Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(appId).partitionsToOffsetAndMetadata().get();
                for (TopicPartition tp : tps) {
                    OffsetAndMetadata o = offsets.get(tp);
                    committed += o == null ? 0 : o.offset();
                }
                steady.sample(System.nanoTime(), committed);
                if (committed >= n) {
                    break;
                }
                if (System.nanoTime() > deadline || streams.state() == KafkaStreams.State.ERROR) {
                    throw new IllegalStateException("floor did not finish: " + streams.state() + ", committed " + committed);
                }
                Thread.sleep(50);
            }
            s = (System.nanoTime() - t0) / 1e9;
            streams.close(Duration.ofSeconds(30));
        }
        System.err.printf("floor (%s): %,d in %.2f s%n", allInputs ? "six inputs" : "request topic alone", n, s);
        return new double[] {n / s, steady.rate()};
    }

    /**
     * The rate between the first sample at or past 10% of n and the first at or past 90%: the same
     * arithmetic as {@code BenchCommand.Steady} (cli), repeated because this module must not depend on
     * the CLI and its Kafka version.
     */
    private static final class Steady {
        private final long n;
        private long t10 = -1;
        private long c10;
        private long t90 = -1;
        private long c90;

        Steady(long n) {
            this.n = n;
        }

        void sample(long nanos, long done) {
            if (t10 < 0 && done >= n / 10) {
                t10 = nanos;
                c10 = done;
            }
            if (t90 < 0 && done >= n - n / 10) {
                t90 = nanos;
                c90 = done;
            }
        }

        double rate() {
            return t10 < 0 || t90 <= t10 ? Double.NaN : (c90 - c10) / ((t90 - t10) / 1e9);
        }
    }
}
