package io.tripwire.cli;

import io.tripwire.engine.topology.TopicNames;
import io.tripwire.json.JsonForm;
import io.tripwire.wire.DecodeException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/** {@code tripwire produce}: send events (a JSON-lines file, or synthetic requests) to the input topics. */
@Command(name = "produce", mixinStandardHelpOptions = true,
        description = {"Send events (a JSON-lines file, or synthetic requests) to the input topics.",
            "",
            "Each event goes to the topic of its type (SPEC section 1), keyed by tenant, with its event time (ts) as the "
                + "record timestamp, so 'replay --from/--to' finds it. A line may also be OTLP JSON (the OpenTelemetry "
                + "Collector's file exporter: {\"resourceSpans\": ...} or {\"resourceMetrics\": ...}) or an OPA decision-log "
                + "event: its SERVER spans, read metrics and decisions are sent as the engine's events (docs/ingest.md). Lines that do not parse "
                + "are reported as 'line N: ...' on stderr and skipped. Progress goes to stderr every 5 s; the "
                + "achieved rate (events/s) to stdout at the end."},
        footer = {"", "Examples:",
            "  ./tripwire produce --input test-data/wave-a.jsonl --format json",
            "  ./tripwire produce --synthetic --tenants 20 --rate 5000 --duration 2m \\",
            "      --format json",
            "  ./tripwire produce --input events.jsonl --bootstrap-server broker:9093 \\",
            "      --command-config client.properties \\",
            "      --schema-registry-url https://registry:8081",
            "",
            "Exit codes: 0 all sent; 1 lines rejected or delivery failed; 2 bad command",
            "line."})
public final class ProduceCommand implements Callable<Integer> {

    static final class Source {
        @Option(names = "--input", required = true, paramLabel = "FILE.jsonl",
                description = "Events in the JSON-lines form, one object a line; '-' reads stdin.")
        Path input;

        @Option(names = "--synthetic", required = true,
                description = "Generate request-latency events for TENANT_000..N-1 with event time = now.")
        boolean synthetic;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--tenants", paramLabel = "N", defaultValue = "10", description = "Synthetic: number of tenants. Default: ${DEFAULT-VALUE}.")
    int tenants;

    @Option(names = "--rate", paramLabel = "R",
            description = "Events per second at most. Default: 1000 with --synthetic, unlimited with --input.")
    Double rate;

    @Option(names = "--duration", paramLabel = "D", defaultValue = "60s", converter = DurationConverter.class,
            description = "Synthetic: how long to send, e.g. 30s, 5m. Default: ${DEFAULT-VALUE}.")
    Duration duration;

    @Option(names = "--error-rate", paramLabel = "P", defaultValue = "0.001",
            description = "Synthetic: fraction of requests with status 503. Default: ${DEFAULT-VALUE}.")
    double errorRate;

    @Option(names = "--seed", paramLabel = "N", description = "Synthetic: random seed, for a repeatable stream. Default: random.")
    Long seed;

    @Option(names = "--topic-prefix", paramLabel = "PREFIX", defaultValue = "",
            description = "Put PREFIX in front of every topic name, e.g. 'staging.'.")
    String topicPrefix;

    @Mixin
    ClientOptions client;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);
    /** OTLP and OPA lines are mapped with the default attribute names (docs/ingest.md). */
    private static final io.tripwire.engine.ingest.Ingest INGEST = new io.tripwire.engine.ingest.Ingest(
            io.tripwire.engine.ingest.IngestSettings.DEFAULTS);
    /** Kafka's default {@code retention.ms}: records stamped earlier are deleted at the broker's next retention check. */
    private static final Duration DEFAULT_RETENTION = Duration.ofDays(7);

    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();
    private final Map<String, AtomicLong> perTopic = new ConcurrentHashMap<>();
    private long sent;
    private long rejected;
    private long beyondRetention;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (source.synthetic && (tenants < 1 || errorRate < 0 || errorRate > 1 || duration.isNegative())) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--tenants must be >= 1, --error-rate between 0 and 1, --duration positive");
        }
        double limit = rate != null ? rate : source.synthetic ? 1000 : 0;
        if (limit < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--rate must be >= 0 (0: unlimited)");
        }
        Map<String, Object> config;
        try {
            config = client.producerConfig();
        } catch (IllegalArgumentException e) {
            err.println("tripwire produce: " + e.getMessage());
            return 2;
        }
        config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 10);
        TopicNames names = TopicNames.withPrefix(topicPrefix);
        long started = System.nanoTime();
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(config, new StringSerializer(), client.valueSerializer())) {
            Pacer pacer = new Pacer(limit, started, err);
            if (source.synthetic) {
                SyntheticRequests gen = new SyntheticRequests(tenants, errorRate, seed != null ? seed : System.nanoTime());
                long end = started + duration.toNanos();
                while (System.nanoTime() < end && firstFailure.get() == null) {
                    pacer.await(sent);
                    send(producer, names, gen.next());
                }
            } else {
                sendFile(producer, names, pacer, err);
            }
            producer.flush();
        } catch (SerializationException e) {
            err.println("tripwire produce: cannot serialize: " + e.getMessage());
            return 1;
        } catch (ConfigException e) {
            err.println("tripwire produce: bad client settings: " + e.getMessage());
            return 2;
        }
        report(started, err);
        return rejected > 0 || failed.get() > 0 ? 1 : 0;
    }

    private void sendFile(KafkaProducer<String, SpecificRecord> producer, TopicNames names, Pacer pacer, PrintWriter err)
            throws IOException {
        boolean stdin = source.input.toString().equals("-");
        if (!stdin && !Files.isRegularFile(source.input)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--input " + source.input + ": file not found");
        }
        try (BufferedReader in = stdin ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                : Files.newBufferedReader(source.input, StandardCharsets.UTF_8)) {
            long lineNo = 0;
            for (String line = in.readLine(); line != null && firstFailure.get() == null; line = in.readLine()) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                io.tripwire.engine.ingest.Ingest.Form form = io.tripwire.engine.ingest.Ingest.formOfLine(line);
                if (form != null) { // OTLP JSON (the Collector's file exporter) or an OPA decision-log event
                    try {
                        io.tripwire.engine.ingest.Ingest.Mapped m = INGEST.map(form, line, "line " + lineNo);
                        m.refused().forEach(e -> reject(err, -1, e.getMessage()));
                        for (SpecificRecord e : m.events()) {
                            pacer.await(sent);
                            send(producer, names, e);
                        }
                    } catch (DecodeException e) {
                        reject(err, lineNo, e.getMessage());
                    }
                    continue;
                }
                SpecificRecord event;
                try {
                    event = JsonForm.parseLine(line, lineNo);
                } catch (DecodeException e) {
                    reject(err, lineNo, e.getMessage());
                    continue;
                }
                if (names.topicOf(event) == null) {
                    reject(err, lineNo, "a " + event.getSchema().getName() + " is not an input event (the engine and the executor "
                            + "write those); skipped");
                    continue;
                }
                pacer.await(sent);
                send(producer, names, event);
            }
        }
    }

    private void reject(PrintWriter err, long lineNo, String message) {
        rejected++;
        err.println(message.startsWith("line ") ? message : "line " + lineNo + ": " + message);
        err.flush();
    }

    private void send(KafkaProducer<String, SpecificRecord> producer, TopicNames names, SpecificRecord event) {
        String topic = names.topicOf(event);
        Long timestamp = InputTopics.timestamp(event);
        if (timestamp != null && timestamp < System.currentTimeMillis() - DEFAULT_RETENTION.toMillis()) {
            beyondRetention++;
        }
        InputTopics.send(producer, new ProducerRecord<>(topic, null, timestamp, InputTopics.tenant(event), event), (meta, e) -> {
            if (e == null) {
                acked.incrementAndGet();
                perTopic.computeIfAbsent(topic, t -> new AtomicLong()).incrementAndGet();
            } else {
                failed.incrementAndGet();
                firstFailure.compareAndSet(null, e);
            }
        });
        sent++;
    }

    private void report(long started, PrintWriter err) {
        double secs = Math.max(1e-3, (System.nanoTime() - started) / 1e9);
        if (firstFailure.get() != null) {
            err.println("tripwire produce: delivery failed (" + failed.get() + " records) to " + client.bootstrapServer + ": "
                    + firstFailure.get().getMessage() + "; stopped sending");
        }
        if (beyondRetention > 0) {
            err.printf("tripwire produce: warning: %,d events are more than %d days old; their record timestamp is their event "
                    + "time, so a topic with the default retention.ms deletes them at its next retention check (within "
                    + "minutes). Use topics with a longer retention.ms, or move the events' times forward.%n",
                    beyondRetention, DEFAULT_RETENTION.toDays());
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf("sent %,d events in %.1f s (%,.1f events/s), %,d acknowledged%s%n", sent, secs, acked.get() / secs, acked.get(),
                rejected > 0 ? String.format(", %,d lines rejected", rejected) : "");
        new TreeMap<>(perTopic).forEach((t, n) -> out.printf("  %-30s %,10d%n", t, n.get()));
        out.flush();
    }

    /** Holds the send loop to {@code rate} events/s (0: no limit) and prints progress every few seconds. */
    private final class Pacer {
        private final double rate;
        private final long started;
        private final PrintWriter err;
        private long nextProgress;

        Pacer(double rate, long started, PrintWriter err) {
            this.rate = rate;
            this.started = started;
            this.err = err;
            this.nextProgress = started + PROGRESS_EVERY.toNanos();
        }

        void await(long index) {
            long now = System.nanoTime();
            if (rate > 0) {
                // schedule by index, not by the last send, so short stalls are caught up instead of lowering the rate
                long due = started + (long) (index * 1e9 / rate);
                if (due > now) {
                    LockSupport.parkNanos(due - now);
                    now = System.nanoTime();
                }
            }
            if (now >= nextProgress) {
                nextProgress = now + PROGRESS_EVERY.toNanos();
                err.printf("produce: %,d sent, %,d acknowledged (%,.0f events/s)%n", sent, acked.get(), sent / ((now - started) / 1e9));
                err.flush();
            }
        }
    }
}
