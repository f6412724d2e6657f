package io.tripwire.cli.bench;

import io.tripwire.cli.SyntheticRequests;
import io.tripwire.engine.TripwireEngine;
import io.tripwire.engine.replay.ReplayEngine;
import io.tripwire.engine.rules.RulesLoader;
import io.tripwire.engine.rules.Rules;
import io.tripwire.engine.topology.EngineTopics;
import io.tripwire.engine.topology.TopicNames;
import io.tripwire.engine.tripwires.TripwireKinds;
import io.tripwire.schemas.Op;
import io.tripwire.schemas.PolicyDecision;
import io.tripwire.schemas.PolicyVerdict;
import io.tripwire.schemas.RequestLatency;
import io.tripwire.schemas.TripwireAction;
import io.tripwire.signing.ActionSigner;
import io.tripwire.signing.Ed25519Keys;
import io.tripwire.wire.AvroDeserializer;
import io.tripwire.wire.AvroSerializer;
import org.HdrHistogram.Histogram;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code tripwire bench [--quick]}: a real broker in its own JVM, the engine in this one. Throughput
 * of the engine (exactly_once_v2; also with max.task.idle.ms=-1) against a plain consumer of the same
 * topic and against the same Kafka Streams application with a no-op processor ({@link FrameworkFloor}),
 * detection latency under background load after a warm-up, and (full mode) memory and state per
 * tenant at 1k and 10k tenants. BENCHMARKS.md explains every figure.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Benchmark the engine against a real broker started in a separate process.",
            "",
            "Throughput: a plain consumer, the engine with max.task.idle.ms=-1, the engine as configured, "
                + "the framework floor (the same Kafka Streams app with a no-op processor, six inputs and the request topic alone), "
                + "all on the same pre-produced topic; then one more engine run under a JFR profile, for the profile only "
                + "(a profiler slows the engine down: that run's rate is reported apart).",
            "",
            "Latency: residency DENYs under background load, send -> action at a read_committed consumer, after a warm-up.",
            "",
            "State (full mode): heap, RSS and changelog bytes per tenant at 1k and 10k tenants.",
            "",
            "Ends with key=value lines, also written to the results file. No thresholds are asserted; see BENCHMARKS.md."})
public final class BenchCommand implements Callable<Integer> {

    static final String REGISTRY = "mock://bench";
    static final int PARTITIONS = 2;
    static final int TENANTS = 50;

    @Option(names = "--quick", description = "300k events, 5k events/s background, 300 trials, no state-at-scale phase (about 1.5 min).")
    boolean quick;

    @Option(names = "--out", paramLabel = "FILE", description = "Results file (default bench-results/bench-<timestamp>.txt).")
    Path out;

    @Option(names = "--events", paramLabel = "N", description = "Events for the throughput phase (default 300000 quick, 3000000 full).")
    Long events;

    @Option(names = "--rate", paramLabel = "R", description = "Background events/s in the latency phase (default 5000 quick, 20000 full).")
    Integer rate;

    @Option(names = "--trials", paramLabel = "T", description = "Injected breaches in the latency phase (default 300 quick, 1000 full).")
    Integer trials;

    @Option(names = "--phases", split = ",", paramLabel = "P",
            description = "Phases to run: throughput, latency, state (default: throughput,latency and, in full mode, state).")
    List<String> phases;

    @Option(names = "--engine-config", split = ",", paramLabel = "K=V",
            description = "Extra Kafka Streams settings for the engine under test (e.g. commit.interval.ms=1000), to compare variants.")
    Map<String, String> engineConfig = new HashMap<>();

    @Option(names = "--repeat", paramLabel = "R", defaultValue = "1",
            description = "Run the plain consumer and the measured engine R times each on the same topic; the figures are the last runs' "
                    + "(the JIT warmest), engine_first_* the first's; each run is printed (default 1).")
    int repeat;

    @Option(names = "--labelled", paramLabel = "SHARE", description = "Label every synthetic request with a cohort, canary with "
            + "this probability (e.g. 0.1), else baseline, so the engine runs the canary judgement on all of it (SPEC 3). Default: no labels.")
    Double labelled;

    @Option(names = "--no-profile", description = "Do not record a JFR profile of the throughput phase.")
    boolean noProfile;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "Broker log dir and engine state (default: a new dir under bench-results/work).")
    Path workDir;

    /** The canary share of --labelled, or NaN for unlabelled traffic. */
    double labelShare() {
        return labelled == null ? Double.NaN : labelled;
    }

    /** Sizes of one run, from --quick and the overrides. */
    record Plan(long events, int rate, int trials, List<String> phases) {
    }

    Plan plan() {
        long n = events != null ? events : quick ? 300_000 : 3_000_000;
        int r = rate != null ? rate : quick ? 5_000 : 20_000;
        int t = trials != null ? trials : quick ? 300 : 1_000;
        List<String> p = phases != null ? phases : quick ? List.of("throughput", "latency") : List.of("throughput", "latency", "state");
        if (repeat < 1) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--repeat must be at least 1, not " + repeat);
        }
        for (String phase : p) {
            if (!List.of("throughput", "latency", "state").contains(phase)) {
                throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "unknown phase: " + phase);
            }
        }
        return new Plan(n, r, t, p);
    }

    private BenchReport report;
    private String bootstrap;
    private long brokerPid = -1;
    private Path work;
    private Rules rules;
    private final ActionSigner signer = new ActionSigner(Ed25519Keys.generate().getPrivate());

    @Override
    public Integer call() throws Exception {
        Plan plan = plan();
        rules = new RulesLoader(TripwireKinds::parse).loadDefaults(List.of(), Map.of());
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        Path file = out != null ? out : Path.of("bench-results", "bench-" + stamp + ".txt");
        work = workDir != null ? workDir : Path.of("bench-results", "work", stamp);
        Files.createDirectories(work);
        report = new BenchReport(System.out);
        long started = System.nanoTime();
        report.line("# tripwire bench %s, %s", quick ? "--quick" : "(full)", Instant.now());
        report.line("machine: %d cores, %d MB memory, %s, max heap %d MB, load average %s",
                Machine.cores(), Machine.totalMemoryMb(), Machine.java(), Machine.maxHeapMb(), Machine.loadAverage());
        report.line("plan: %d events, %d tenants, %d partitions; background %d events/s, %d trials; phases %s; engine overrides %s; labels %s",
                plan.events(), TENANTS, PARTITIONS, plan.rate(), plan.trials(), plan.phases(), engineConfig,
                labelled == null ? "none" : "a cohort on every request, canary share " + labelled);
        report.figure("labelled_canary_share", labelled == null ? 0 : labelled);
        report.figure("mode", quick ? "quick" : "full");
        report.figure("cores", Machine.cores());
        report.figure("load_avg_start", Machine.load1());

        try (BrokerProcess broker = BrokerProcess.start(work.resolve("broker-logs"), "1g")) {
            bootstrap = broker.bootstrap();
            brokerPid = broker.pid();
            report.line("broker: separate JVM pid %d at %s", broker.pid(), bootstrap);
            if (plan.phases().contains("throughput")) {
                throughput(plan.events());
            }
            if (plan.phases().contains("latency")) {
                latency(plan.rate(), plan.trials());
            }
            if (plan.phases().contains("state")) {
                stateAtScale(1_000, "1k");
                stateAtScale(10_000, "10k");
            }
            report.figure("broker_rss_mb", broker.rssMb());
        }
        report.figure("load_avg_end", Machine.load1());
        report.figure("wall_s", (System.nanoTime() - started) / 1e9);
        report.line("results: %s", file.toAbsolutePath());
        report.finish(file);
        return 0;
    }

    // ---------------------------------------------------------------- throughput

    private void throughput(long n) throws Exception {
        TopicNames names = TopicNames.withPrefix("tp-");
        createTopics(names);
        report.line("== throughput: pre-producing %,d request-latency events (Avro wire format, %d tenants) to %s", n, TENANTS, names.requests());
        long t0 = System.nanoTime();
        SyntheticRequests gen = new SyntheticRequests(TENANTS, 0.0, 42, labelShare());
        try (KafkaProducer<String, SpecificRecord> p = producer(Map.of("linger.ms", 20, "batch.size", 262_144))) {
            for (long i = 0; i < n; i++) {
                RequestLatency e = gen.next();
                p.send(new ProducerRecord<>(names.requests(), e.getTenant(), e));
                if ((i + 1) % (n / 10) == 0) {
                    report.line("  produced %,d", i + 1);
                }
            }
            p.flush();
        }
        double produceS = (System.nanoTime() - t0) / 1e9;
        report.line("  produced in %.1f s (%,.0f events/s)", produceS, n / produceS);
        report.figure("produce_events_per_s", n / produceS);

        // the plain consumer: read and deserialize every record (with --repeat, as often as the engine, the last run counts)
        ConsumerRun consumer = consumerRun(names, n);
        for (int i = 2; i <= repeat; i++) {
            report.line("-- the plain consumer again (run %d of %d)", i, repeat);
            consumer = consumerRun(names, n);
        }
        double consumerRate = consumer.rate();
        double consumerSteady = consumer.steadyRate();
        double consumerCpuUs = consumer.cpuUs();
        double consumerBrokerCpuUs = consumer.brokerCpuUs();

        // the engine, exactly_once_v2, from start until its committed offsets reach the end. First a run with
        // Kafka Streams' per-record readiness check off (max.task.idle.ms=-1, see BENCHMARKS.md), then the
        // measured run with the engine's settings: if anything, JIT warm-up favours the second run
        EngineRun idleOff = null;
        if (!engineConfig.containsKey(MAX_TASK_IDLE)) {
            Map<String, String> off = new HashMap<>(engineConfig);
            off.put(MAX_TASK_IDLE, "-1");
            idleOff = engineRun(names, n, off, null);
        }
        EngineRun run = engineRun(names, n, engineConfig, null);
        if (repeat > 1) {
            report.figure("engine_first_events_per_s", Math.round(run.rate()));
            report.figure("engine_first_steady_events_per_s", Math.round(run.steadyRate()));
            for (int i = 2; i <= repeat; i++) {
                report.line("-- the engine again (run %d of %d): the JIT warmer, the same topic", i, repeat);
                run = engineRun(names, n, engineConfig, null);
            }
        }
        report.line("  ratio engine/consumer = %.3f", run.rate() / consumerRate);
        report.figure("events", n);
        report.figure("engine_events_per_s", Math.round(run.rate()));
        report.figure("engine_events_per_s_from_running", Math.round(run.rateFromRunning()));
        report.figure("engine_startup_s", run.startupS());
        report.figure("consumer_events_per_s", Math.round(consumerRate));
        report.figure("ratio", run.rate() / consumerRate);
        report.figure("consumer_steady_events_per_s", Math.round(consumerSteady));
        report.figure("consumer_cpu_us_per_event", consumerCpuUs);
        report.figure("consumer_broker_cpu_us_per_event", consumerBrokerCpuUs);
        report.figure("engine_steady_events_per_s", Math.round(run.steadyRate()));
        report.figure("ratio_steady", run.steadyRate() / consumerSteady);
        report.figure("engine_cpu_us_per_event", run.cpuUs());
        report.figure("engine_broker_cpu_us_per_event", run.brokerCpuUs());
        report.figure("engine_stream_threads_cpu_us_per_event", run.us(run.threads().stream()));
        report.figure("engine_jit_cpu_us_per_event", run.us(run.threads().jit()));
        report.figure("engine_gc_cpu_us_per_event", run.us(run.threads().gc()));
        if (idleOff != null) {
            report.line("  with %s=-1: ratio engine/consumer = %.3f (%.2fx the engine's default)", MAX_TASK_IDLE,
                    idleOff.rate() / consumerRate, idleOff.rate() / run.rate());
            report.figure("engine_idle_off_events_per_s", Math.round(idleOff.rate()));
            report.figure("ratio_idle_off", idleOff.rate() / consumerRate);
            report.figure("ratio_idle_off_steady", idleOff.steadyRate() / consumerSteady);
        }
        EngineRun floor = floorRun(names, n, true);
        report.line("  framework floor: ratio %.3f to the consumer; the engine reaches %.2f of it", floor.rate() / consumerRate, run.rate() / floor.rate());
        report.figure("floor_events_per_s", Math.round(floor.rate()));
        report.figure("ratio_floor", floor.rate() / consumerRate);
        report.figure("ratio_floor_steady", floor.steadyRate() / consumerSteady);
        report.figure("floor_cpu_us_per_event", floor.cpuUs());
        report.figure("floor_broker_cpu_us_per_event", floor.brokerCpuUs());
        report.figure("floor_stream_threads_cpu_us_per_event", floor.us(floor.threads().stream()));
        report.figure("floor_jit_cpu_us_per_event", floor.us(floor.threads().jit()));
        EngineRun floor1 = floorRun(names, n, false);
        report.line("  framework floor, request topic alone: ratio %.3f to the consumer (%.2fx the six-input floor)",
                floor1.rate() / consumerRate, floor1.rate() / floor.rate());
        report.figure("floor_requests_only_events_per_s", Math.round(floor1.rate()));
        report.figure("ratio_floor_requests_only", floor1.rate() / consumerRate);
        report.figure("ratio_floor_requests_only_steady", floor1.steadyRate() / consumerSteady);
        processorAlone(n);
        if (!noProfile) {
            // last, and apart: JFR's profile settings slow the engine down (BENCHMARKS.md, "The profiler's cost"),
            // and the floor runs after it were slower too in full runs, so no figure above comes from a profiled JVM
            report.line("-- the profile: the engine as configured once more, under JFR (its rate is not the figure above)");
            EngineRun profiled = engineRun(names, n, engineConfig, work.resolve("engine-throughput.jfr"));
            report.figure("engine_profiled_events_per_s", Math.round(profiled.rate()));
        }
    }

    /** One read of the pre-produced topic by a plain consumer: rates from start and steady, CPU per event of both JVMs. */
    private record ConsumerRun(double rate, double steadyRate, double cpuUs, double brokerCpuUs) {
    }

    private ConsumerRun consumerRun(TopicNames names, long n) {
        report.line("-- plain KafkaConsumer (Avro deserializer), same topic");
        long c0 = System.nanoTime();
        Machine.Cpu consumerCpu0 = Machine.Cpu.now(brokerPid);
        long read = 0;
        Map<String, Object> cc = clientConfig();
        cc.put("group.id", "bench-consumer-" + UUID.randomUUID());
        cc.put("auto.offset.reset", "earliest");
        cc.put("enable.auto.commit", false);
        AvroDeserializer<RequestLatency> d = new AvroDeserializer<>(RequestLatency.class);
        d.configure(cc, false);
        long checksum = 0;
        double consumerSteady;
        try (KafkaConsumer<String, RequestLatency> c = new KafkaConsumer<>(cc, new StringDeserializer(), d)) {
            List<TopicPartition> tps = List.of(new TopicPartition(names.requests(), 0), new TopicPartition(names.requests(), 1));
            c.assign(tps);
            c.seekToBeginning(tps);
            Steady steady = new Steady(n);
            while (read < n) {
                for (ConsumerRecord<String, RequestLatency> r : c.poll(Duration.ofMillis(200))) {
                    checksum += r.value().getStatus();
                    read++;
                }
                steady.sample(System.nanoTime(), read);
            }
            consumerSteady = steady.rate();
        }
        double consumerS = (System.nanoTime() - c0) / 1e9;
        Machine.Cpu consumerCpu = consumerCpu0.since();
        ConsumerRun run = new ConsumerRun(n / consumerS, consumerSteady, consumerCpu.self() * 1e6 / n, consumerCpu.other() * 1e6 / n);
        report.line("  consumer: %,d events in %.2f s = %,.0f events/s; steady (10%%-90%%) %,.0f events/s (checksum %d)",
                read, consumerS, run.rate(), consumerSteady, checksum);
        report.line("  CPU over the run: this JVM %.2f us per event, broker JVM %.2f us per event", run.cpuUs(), run.brokerCpuUs());
        return run;
    }

    private static final String MAX_TASK_IDLE = "max.task.idle.ms";

    /**
     * The engine's processor and stores with no Kafka at all: replay's direct driver (the same
     * {@code TripwireProcessor}, {@code MockProcessorContext}, changelogs off) fed the same synthetic
     * events, already decoded, on this one thread, in rounds on a fresh engine each; the last round (JIT warm)
     * is the figure. What the engine's own work costs per event, apart from the framework and the broker.
     */
    private void processorAlone(long n) {
        int count = (int) Math.min(n, 1_000_000);
        report.line("-- the processor alone: %,d decoded request events through replay's direct driver, one thread, no Kafka", count);
        SyntheticRequests gen = new SyntheticRequests(TENANTS, 0.0, 42, labelShare());
        RequestLatency[] events = new RequestLatency[count];
        long t0 = System.currentTimeMillis();
        for (int i = 0; i < count; i++) {
            events[i] = gen.next();
            events[i].setTs(Instant.ofEpochMilli(t0 + i / 200)); // 200 events per ms, as the pre-produced topic
        }
        double rate = 0;
        for (int round = 1; round <= 4; round++) {
            try (ReplayEngine engine = new ReplayEngine(rules, signer)) {
                long s0 = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    engine.send(events[i], i + 1L, null);
                }
                double s = (System.nanoTime() - s0) / 1e9;
                rate = count / s;
                report.line("  round %d: %.2f s = %,.0f events/s (%.2f us per event), %d actions",
                        round, s, rate, 1e6 / rate, engine.output().actions().size());
            }
        }
        report.figure("processor_events_per_s", Math.round(rate));
    }

    /**
     * One engine run over the pre-produced topic: rates from start and from RUNNING, start-up time, and
     * the steady rate (from the sample where 10% of the events are committed to the one where 90% are).
     */
    private record EngineRun(double rate, double rateFromRunning, double startupS, double steadyRate, double cpuUs, double brokerCpuUs,
                             Machine.Threads threads, long n) {
        /** CPU of one kind of this JVM's threads over the run, in us per event. */
        double us(double seconds) {
            return seconds * 1e6 / n;
        }
    }

    /**
     * The rate between the first progress sample at or past 10% of {@code n} and the first at or past 90%:
     * what an application sustains once it runs, without its start (group join, changelog restoration,
     * transactional producer set-up, JIT) or the last commit. Samples come every 50 ms or so.
     */
    static final class Steady {
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

        /** Events per second between the two samples; NaN if they are the same sample (a run too short to tell). */
        double rate() {
            return t90 > t10 && t10 >= 0 ? (c90 - c10) / ((t90 - t10) / 1e9) : Double.NaN;
        }
    }

    /** A Kafka Streams application under measurement. */
    private interface App extends AutoCloseable {
        org.apache.kafka.streams.KafkaStreams streams();

        @Override
        void close();
    }

    @FunctionalInterface
    private interface AppStarter {
        App start(String appId) throws Exception;
    }

    private EngineRun engineRun(TopicNames names, long n, Map<String, String> overrides, Path jfr) throws Exception {
        report.line("-- engine (exactly_once_v2, %s), from start until committed offsets = end offsets",
                overrides.isEmpty() ? "defaults" : overrides);
        return measure(names, n, jfr, appId -> {
            TripwireEngine engine = startEngine(names, appId, overrides);
            return new App() {
                public org.apache.kafka.streams.KafkaStreams streams() {
                    return engine.streams();
                }

                public void close() {
                    engine.close();
                }
            };
        });
    }

    /** The same application with a processor that does nothing: Kafka Streams' own cost per record ({@link FrameworkFloor}). */
    private EngineRun floorRun(TopicNames names, long n, boolean allInputs) throws Exception {
        report.line(allInputs ? "-- framework floor: the same inputs, settings and threads, a processor that does nothing, no stores, no output"
                : "-- framework floor, request topic alone: one input partition per task, otherwise the same");
        return measure(names, n, null, appId -> {
            Map<String, Object> kafka = new HashMap<>(Map.of("replication.factor", 1));
            kafka.putAll(engineConfig);
            org.apache.kafka.streams.KafkaStreams streams = FrameworkFloor.start(appId, bootstrap,
                    Files.createDirectories(work.resolve("state").resolve(appId)), names, Map.of("schema.registry.url", REGISTRY), kafka, allInputs);
            return new App() {
                public org.apache.kafka.streams.KafkaStreams streams() {
                    return streams;
                }

                public void close() {
                    streams.close(Duration.ofSeconds(30));
                }
            };
        });
    }

    private EngineRun measure(TopicNames names, long n, Path jfr, AppStarter starter) throws Exception {
        String appId = "bench-tp-" + UUID.randomUUID().toString().substring(0, 8);
        JfrProfile profile = jfr == null ? null : JfrProfile.start(jfr);
        double loadBefore = Machine.load1();
        long e0 = System.nanoTime();
        double runningS;
        double engineS;
        Steady steady = new Steady(n);
        Machine.Cpu cpu0 = Machine.Cpu.now(brokerPid);
        Machine.Threads threads0 = Machine.Threads.now();
        Machine.Threads threads;
        try (App engine = starter.start(appId); Admin admin = Admin.create(clientConfig())) {
            List<TopicPartition> tps = List.of(new TopicPartition(names.requests(), 0), new TopicPartition(names.requests(), 1));
            Map<TopicPartition, Long> end = endOffsets(admin, tps);
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (engine.streams().state() != org.apache.kafka.streams.KafkaStreams.State.RUNNING) {
                if (System.nanoTime() > deadline || engine.streams().state() == org.apache.kafka.streams.KafkaStreams.State.ERROR) {
                    throw new IllegalStateException("not RUNNING after 120 s: " + engine.streams().state());
                }
                // a stream thread can process before the client reports RUNNING: the steady rate samples from the start
                steady.sample(System.nanoTime(), committedSoFar(admin, appId, tps, end));
                Thread.sleep(20);
            }
            runningS = (System.nanoTime() - e0) / 1e9;
            long lastPrint = System.nanoTime();
            while (true) {
                long committed = committed(admin, appId, tps, end);
                steady.sample(System.nanoTime(), committed);
                if (committed >= n) {
                    break;
                }
                if (System.nanoTime() - lastPrint > 5_000_000_000L) {
                    double s = (System.nanoTime() - e0) / 1e9;
                    report.line("  %5.1f s: committed %,d / %,d (%.0f%%)", s, committed, n, 100.0 * committed / n);
                    lastPrint = System.nanoTime();
                }
                if (engine.streams().state().hasCompletedShutdown() || engine.streams().state() == org.apache.kafka.streams.KafkaStreams.State.ERROR) {
                    throw new IllegalStateException("engine stopped: " + engine.streams().state());
                }
                Thread.sleep(50);
            }
            engineS = (System.nanoTime() - e0) / 1e9;
            threads = threads0.since(); // before close: the stream threads end with it
            internalWrites(admin, appId, n);
        }
        double loadAfter = Machine.load1();
        // where the two cores went: this JVM (the application, its clients, JIT, GC; the progress polling is small)
        // and the broker's JVM (fetches, transactions, changelog and output writes)
        Machine.Cpu used = cpu0.since();
        double selfCpu = used.self();
        double brokerCpu = used.other();
        EngineRun run = new EngineRun(n / engineS, n / (engineS - runningS), runningS, steady.rate(), selfCpu * 1e6 / n, brokerCpu * 1e6 / n,
                threads, n);
        report.line("  %,d events in %.2f s (RUNNING after %.2f s) = %,.0f events/s from start, %,.0f events/s from RUNNING, steady (10%%-90%%) %,.0f events/s",
                n, engineS, runningS, run.rate(), run.rateFromRunning(), run.steadyRate());
        report.line("  load average 1m before/after: %.2f / %.2f", loadBefore, loadAfter);
        report.line("  CPU over the run: this JVM %.1f s (%.2f us per event), broker JVM %.1f s (%.2f us per event)",
                selfCpu, run.cpuUs(), brokerCpu, run.brokerCpuUs());
        report.line("  this JVM by thread, us per event: stream threads %.2f, Kafka client I/O %.2f, GC %.2f, JIT %.2f, other %.2f",
                run.us(threads.stream()), run.us(threads.clientIo()), run.us(threads.gc()), run.us(threads.jit()), run.us(threads.other()));
        if (profile != null) {
            for (String l : profile.stopAndSummarise("StreamThread", 15)) {
                report.line("  %s", l);
            }
            profile.close();
        }
        return run;
    }

    /**
     * What the run wrote to its own internal topics (changelogs, repartition topics): their end offsets
     * (records plus transaction markers, one per partition a transaction touched) and their size on the
     * broker's disk, per input event. Part of the broker's share of the run's CPU.
     */
    private void internalWrites(Admin admin, String appId, long n) throws Exception {
        List<String> internal = admin.listTopics().names().get().stream().filter(t -> t.startsWith(appId + "-")).sorted().toList();
        if (internal.isEmpty()) {
            return;
        }
        List<TopicPartition> partitions = new ArrayList<>();
        admin.describeTopics(internal).allTopicNames().get().values().forEach(d -> d.partitions()
                .forEach(p -> partitions.add(new TopicPartition(d.name(), p.partition()))));
        long offsets = endOffsets(admin, partitions).values().stream().mapToLong(Long::longValue).sum();
        long bytes = 0;
        List<Integer> brokers = admin.describeCluster().nodes().get().stream().map(org.apache.kafka.common.Node::id).toList();
        for (var dirs : admin.describeLogDirs(brokers).allDescriptions().get().values()) {
            for (var dir : dirs.values()) {
                for (var r : dir.replicaInfos().entrySet()) {
                    if (r.getKey().topic().startsWith(appId + "-")) {
                        bytes += r.getValue().size();
                    }
                }
            }
        }
        report.line("  internal topics (%d, %d partitions): %,d offsets (records and markers, %.3f per event), %,d bytes (%.1f per event)",
                internal.size(), partitions.size(), offsets, (double) offsets / n, bytes, (double) bytes / n);
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin, List<TopicPartition> tps) throws Exception {
        Map<TopicPartition, OffsetSpec> spec = new HashMap<>();
        tps.forEach(tp -> spec.put(tp, OffsetSpec.latest()));
        Map<TopicPartition, Long> out = new HashMap<>();
        admin.listOffsets(spec).all().get().forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    /** As {@link #committed}, 0 while the group is not known to the broker yet (the application is joining). */
    private static long committedSoFar(Admin admin, String group, List<TopicPartition> tps, Map<TopicPartition, Long> end) throws Exception {
        try {
            return committed(admin, group, tps, end);
        } catch (java.util.concurrent.ExecutionException e) {
            return 0;
        }
    }

    /** Events covered by the group's committed offsets (capped at the end offsets). */
    private static long committed(Admin admin, String group, List<TopicPartition> tps, Map<TopicPartition, Long> end) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        long sum = 0;
        for (TopicPartition tp : tps) {
            OffsetAndMetadata o = offsets.get(tp);
            if (o != null) {
                sum += Math.min(o.offset(), end.get(tp));
            }
        }
        return sum;
    }

    // ---------------------------------------------------------------- detection latency

    private void latency(int rate, int trials) throws Exception {
        TopicNames names = TopicNames.withPrefix("lat-");
        createTopics(names);
        report.line("== detection latency: background %,d request events/s (%d tenants), %d residency DENYs; send -> action at a read_committed consumer",
                rate, TENANTS, trials);
        String appId = "bench-lat-" + UUID.randomUUID().toString().substring(0, 8);
        Histogram hist = new Histogram(60_000_000L, 3); // microseconds, up to 60 s
        Histogram warm = new org.HdrHistogram.SynchronizedHistogram(60_000_000L, 3); // read while the reader records
        Duration warmUp = Duration.ofSeconds(trials >= 1_000 ? 30 : 15);
        double loadAvg;
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong background = new AtomicLong();
        AtomicLong received = new AtomicLong();
        long[] byTrial = new long[trials]; // microseconds, by injection order: shows a growing backlog
        try (TripwireEngine engine = startEngine(names, appId)) {
            engine.awaitRunning(Duration.ofSeconds(120));
            Thread load = new Thread(() -> backgroundLoad(names, rate, stop, background), "bench-load");
            Thread reader = new Thread(() -> readActions(names, sentAt, hist, warm, byTrial, received, stop), "bench-actions");
            reader.start();
            load.start();
            Thread.sleep(3_000); // background load and the action consumer settle (assignment, first fetches)
            Random jitter = new Random(7);
            try (KafkaProducer<String, SpecificRecord> p = producer(Map.of("linger.ms", 0))) {
                // warm-up: the same injections, timed apart from the trials (JIT, first transactions, fetch sessions)
                long warmUntil = System.nanoTime() + warmUp.toNanos();
                int warmSent = 0;
                while (System.nanoTime() < warmUntil) {
                    injectDeny(p, names, WARM_PREFIX + warmSent, warmSent++, sentAt, jitter);
                }
                report.line("  warm-up: %d DENYs over %d s (detected %d, median %.1f ms, max %.1f ms; not in the figures below)",
                        warmSent, warmUp.toSeconds(), warm.getTotalCount(), warm.getValueAtPercentile(50) / 1000.0, warm.getMaxValue() / 1000.0);
                loadAvg = Machine.load1();
                for (int i = 0; i < trials; i++) {
                    injectDeny(p, names, TRIAL_PREFIX + i, i, sentAt, jitter);
                    if ((i + 1) % Math.max(1, trials / 5) == 0) {
                        report.line("  injected %d, detected %d", i + 1, received.get());
                    }
                }
            }
            long wait = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (received.get() < trials && System.nanoTime() < wait) {
                Thread.sleep(50);
            }
            stop.set(true);
            load.join(10_000);
            reader.join(10_000);
            report.line("  background events sent: %,d; detected %d of %d; load average 1m during: %.2f", background.get(), received.get(), trials, loadAvg);
        }
        double p50 = hist.getValueAtPercentile(50) / 1000.0;
        double p99 = hist.getValueAtPercentile(99) / 1000.0;
        double max = hist.getMaxValue() / 1000.0;
        report.line("  detection latency ms: p50 %.1f, p90 %.1f, p99 %.1f, max %.1f, mean %.1f (n=%d)",
                p50, hist.getValueAtPercentile(90) / 1000.0, p99, max, hist.getMean() / 1000.0, hist.getTotalCount());
        int tenth = Math.max(1, trials / 10);
        report.line("  trend: median of the first %d trials %.1f ms, of the last %d trials %.1f ms (a rise means a backlog)",
                tenth, medianMs(byTrial, 0, tenth), tenth, medianMs(byTrial, trials - tenth, trials));
        report.figure("detect_p50_ms", p50);
        report.figure("detect_p90_ms", hist.getValueAtPercentile(90) / 1000.0);
        report.figure("detect_p99_ms", p99);
        report.figure("detect_max_ms", max);
        report.figure("trials", hist.getTotalCount());
        report.figure("background_events_per_s", rate);
    }

    private static final String WARM_PREFIX = "bench-warm-";
    private static final String TRIAL_PREFIX = "bench-op-";

    /** One residency DENY for tenant {@code n % TENANTS}, then 50-150 ms of pause (not in step with the commit interval). */
    private static void injectDeny(KafkaProducer<String, SpecificRecord> p, TopicNames names, String opId, int n,
                                   Map<String, Long> sentAt, Random jitter) throws InterruptedException {
        String tenant = String.format("TENANT_%03d", n % TENANTS);
        PolicyDecision deny = PolicyDecision.newBuilder().setTs(Instant.now()).setTenant(tenant).setOpId(opId)
                .setDecision(PolicyVerdict.DENY).setPolicy("residency").setResidencyZone("eu").setDataZone("us")
                .setPurpose(null).build();
        sentAt.put(opId, System.nanoTime());
        p.send(new ProducerRecord<>(names.policy(), tenant, deny));
        Thread.sleep(50 + jitter.nextInt(101));
    }

    /** Median of the recorded (non-zero) values in [from, to), in ms. */
    static double medianMs(long[] micros, int from, int to) {
        long[] v = java.util.Arrays.stream(micros, Math.max(0, from), Math.min(micros.length, to)).filter(x -> x > 0).sorted().toArray();
        return v.length == 0 ? Double.NaN : v[v.length / 2] / 1000.0;
    }

    private void backgroundLoad(TopicNames names, int rate, AtomicBoolean stop, AtomicLong sent) {
        SyntheticRequests gen = new SyntheticRequests(TENANTS, 0.0, 11, labelShare());
        try (KafkaProducer<String, SpecificRecord> p = producer(Map.of("linger.ms", 5))) {
            long start = System.nanoTime();
            while (!stop.get()) {
                long due = (System.nanoTime() - start) * rate / 1_000_000_000L;
                while (sent.get() < due) {
                    RequestLatency e = gen.next();
                    p.send(new ProducerRecord<>(names.requests(), e.getTenant(), e));
                    sent.incrementAndGet();
                }
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void readActions(TopicNames names, Map<String, Long> sentAt, Histogram hist, Histogram warm, long[] byTrial,
                             AtomicLong received, AtomicBoolean stop) {
        Map<String, Object> cfg = clientConfig();
        cfg.put("group.id", "bench-actions-" + UUID.randomUUID());
        cfg.put("auto.offset.reset", "earliest");
        cfg.put("isolation.level", "read_committed");
        cfg.put("fetch.max.wait.ms", 50);
        AvroDeserializer<TripwireAction> d = new AvroDeserializer<>(TripwireAction.class);
        d.configure(cfg, false);
        try (KafkaConsumer<String, TripwireAction> c = new KafkaConsumer<>(cfg, new StringDeserializer(), d)) {
            c.subscribe(List.of(names.actions()));
            while (!stop.get()) {
                var records = c.poll(Duration.ofMillis(100));
                long now = System.nanoTime();
                for (ConsumerRecord<String, TripwireAction> r : records) {
                    TripwireAction a = r.value();
                    if (!"ABORT_OP".equals(a.getAction().name())) {
                        continue;
                    }
                    String opId = a.getParams() == null ? null : String.valueOf(a.getParams().get("opId"));
                    Long sent = opId == null ? null : sentAt.remove(opId);
                    if (sent != null && opId.startsWith(WARM_PREFIX)) {
                        warm.recordValue(Math.max(1, (now - sent) / 1_000));
                    } else if (sent != null) {
                        long micros = Math.max(1, (now - sent) / 1_000);
                        hist.recordValue(micros);
                        int trial = Integer.parseInt(opId.substring(TRIAL_PREFIX.length()));
                        if (trial < byTrial.length) {
                            byTrial[trial] = micros;
                        }
                        received.incrementAndGet();
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- state at scale

    private void stateAtScale(int tenants, String label) throws Exception {
        TopicNames names = TopicNames.withPrefix("st" + label + "-");
        createTopics(names);
        int minutes = 30;
        long n = (long) tenants * minutes * 2;
        report.line("== state at %,d tenants: %d minutes of READ and WRITE requests per tenant (%,d events), then heap, RSS, store bytes",
                tenants, minutes, n);
        Random random = new Random(5);
        Instant base = Instant.now().minus(Duration.ofMinutes(minutes));
        try (KafkaProducer<String, SpecificRecord> p = producer(Map.of("linger.ms", 20, "batch.size", 262_144))) {
            long seq = 0;
            for (int m = 0; m < minutes; m++) {
                for (int t = 0; t < tenants; t++) {
                    for (Op op : Op.values()) {
                        String tenant = String.format("T%05d", t);
                        RequestLatency e = RequestLatency.newBuilder().setTs(base.plus(Duration.ofMinutes(m)).plusMillis(random.nextInt(1000)))
                                .setTenant(tenant).setService("api").setOp(op).setStatus(200)
                                .setLatencyMs(100 + random.nextInt(100)).setRegion("eu-west-1").setRoute("/graphql")
                                .setRequestId("st-" + seq++).build();
                        p.send(new ProducerRecord<>(names.requests(), tenant, e));
                    }
                }
            }
            p.flush();
        }
        long heapBefore = Machine.heapAfterGcMb();
        String appId = "bench-st" + label + "-" + UUID.randomUUID().toString().substring(0, 8);
        try (TripwireEngine engine = startEngine(names, appId); Admin admin = Admin.create(clientConfig())) {
            engine.awaitRunning(Duration.ofSeconds(120));
            List<TopicPartition> tps = List.of(new TopicPartition(names.requests(), 0), new TopicPartition(names.requests(), 1));
            Map<TopicPartition, Long> end = endOffsets(admin, tps);
            long t0 = System.nanoTime();
            while (committed(admin, appId, tps, end) < n) {
                Thread.sleep(200);
            }
            double s = (System.nanoTime() - t0) / 1e9;
            long heap = Machine.heapAfterGcMb();
            long rss = Machine.rssMb(ProcessHandle.current().pid());
            long stateBytes = changelogBytes(admin, appId);
            report.line("  processed in %.1f s; heap after GC %d MB (before the engine %d MB); RSS %d MB; store contents %,d bytes = %,d bytes per tenant",
                    s, heap, heapBefore, rss, stateBytes, stateBytes / tenants);
            report.figure("heap_after_gc_mb_" + label, heap);
            report.figure("heap_engine_mb_" + label, heap - heapBefore);
            report.figure("rss_mb_" + label, rss);
            report.figure("state_bytes_per_tenant_" + label, stateBytes / tenants);
        }
    }

    /**
     * Bytes of the engine's stores: the latest key + value of every key in every changelog topic
     * (what the in-memory stores hold, serialized), read with read_committed.
     */
    private long changelogBytes(Admin admin, String appId) throws Exception {
        List<String> changelogs = admin.listTopics().names().get().stream()
                .filter(t -> t.startsWith(appId) && t.endsWith("-changelog")).toList();
        Map<String, Object> cfg = clientConfig();
        cfg.put("group.id", "bench-state-" + UUID.randomUUID());
        cfg.put("isolation.level", "read_committed");
        cfg.put("max.poll.records", 5000);
        Map<String, Integer> sizes = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(cfg, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = new ArrayList<>();
            for (String t : changelogs) {
                c.partitionsFor(t).forEach(pi -> tps.add(new TopicPartition(t, pi.partition())));
            }
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> end = c.endOffsets(tps);
            while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    String k = r.topic() + "/" + java.util.HexFormat.of().formatHex(r.key());
                    if (r.value() == null) {
                        sizes.remove(k);
                    } else {
                        sizes.put(k, r.key().length + r.value().length);
                    }
                }
            }
        }
        return sizes.values().stream().mapToLong(Integer::longValue).sum();
    }

    // ---------------------------------------------------------------- plumbing

    private Map<String, Object> clientConfig() {
        Map<String, Object> c = new HashMap<>();
        c.put("bootstrap.servers", bootstrap);
        c.put("schema.registry.url", REGISTRY);
        return c;
    }

    private KafkaProducer<String, SpecificRecord> producer(Map<String, Object> extra) {
        Map<String, Object> cfg = clientConfig();
        cfg.put("acks", "all");
        cfg.putAll(extra);
        AvroSerializer<SpecificRecord> s = new AvroSerializer<>();
        s.configure(cfg, false);
        return new KafkaProducer<>(cfg, new StringSerializer(), s);
    }

    private void createTopics(TopicNames names) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            TripwireEngine.createTopics(admin, names, PARTITIONS, (short) 1);
        }
    }

    private TripwireEngine startEngine(TopicNames names, String appId) throws Exception {
        return startEngine(names, appId, engineConfig);
    }

    private TripwireEngine startEngine(TopicNames names, String appId, Map<String, String> overrides) throws Exception {
        Map<String, Object> kafka = new HashMap<>();
        kafka.put("replication.factor", 1);
        kafka.putAll(overrides);
        TripwireEngine.Settings s = new TripwireEngine.Settings(appId, bootstrap, Map.of("schema.registry.url", REGISTRY),
                Files.createDirectories(work.resolve("state").resolve(appId)), names, EngineTopics.ActionFormat.AVRO, kafka);
        return TripwireEngine.start(s, rules, signer);
    }
}
