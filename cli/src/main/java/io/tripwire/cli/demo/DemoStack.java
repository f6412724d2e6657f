package io.tripwire.cli.demo;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tripwire.engine.TripwireEngine;
import io.tripwire.engine.rules.Rules;
import io.tripwire.engine.topology.EngineObserver;
import io.tripwire.engine.topology.EngineTopics;
import io.tripwire.engine.topology.TopicNames;
import io.tripwire.executor.Executor;
import io.tripwire.executor.config.ExecutorConfig;
import io.tripwire.executor.config.ExecutorConfigLoader;
import io.tripwire.kafka.EmbeddedKafka;
import io.tripwire.signing.ActionSigner;
import io.tripwire.signing.Ed25519Keys;
import io.tripwire.wire.MockSchemaRegistry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Everything the demo runs, in one JVM: an embedded KRaft broker, the in-process schema registry
 * {@value #REGISTRY_URL}, the engine ({@link TripwireEngine}, signing with an ephemeral key) and the
 * executor, which trusts that key through {@code DIR/public.pem}. {@link #close()} stops them in
 * reverse order.
 *
 * <p>{@link Plugins} is where observers and endpoints plug in (the engine's {@link EngineObserver}
 * and the executor's {@link MeterRegistry}, e.g. a Prometheus registry served over HTTP): the demo
 * passes {@link Plugins#none()} today.
 */
public final class DemoStack implements AutoCloseable {

    public static final String APPLICATION_ID = "tripwire-demo";
    public static final String REGISTRY_NAME = "demo";
    public static final String REGISTRY_URL = "mock://" + REGISTRY_NAME;
    public static final int PARTITIONS = 3;
    public static final TopicNames TOPICS = TopicNames.DEFAULTS;

    /**
     * Why the next two settings: with Kafka's defaults the engine stopped for good part-way in most
     * of our runs on this 2-core machine: no error logged, the stream thread polling and getting 0
     * records while an input partition had lag (e.g. committed 12,038, end 14,400), so actions were
     * missing. Streams pauses a partition once 1,000 of its records are buffered; with a buffer that
     * holds the whole scenario, unpaced runs passed every time (5 runs and DemoIT), but a paced run
     * ({@code --speed}) still stalled once; with incremental fetch sessions also off on the broker,
     * the paced run passed (1 run). Not understood further yet: a Kafka client/broker issue to chase.
     */
    static final Map<String, Object> ENGINE_KAFKA = Map.of("replication.factor", 1, "buffered.records.per.partition", 1_000_000);

    /** No incremental fetch sessions on the demo broker: consumers send full fetch requests (see {@link #ENGINE_KAFKA}). */
    static final Map<String, String> BROKER = Map.of("max.incremental.fetch.session.cache.slots", "0");

    /** What the demo runs: where it writes, which rules, which executor config, and whether handlers really run. */
    public record Options(Path outDir, Rules rules, Path executorConfig, boolean execute) {
    }

    /** Hooks for metrics: seen by the engine and counted by the executor. */
    public record Plugins(EngineObserver engineObserver, MeterRegistry executorMetrics) {

        public static Plugins none() {
            return new Plugins(EngineObserver.NONE, new SimpleMeterRegistry());
        }
    }

    private EmbeddedKafka kafka;
    private TripwireEngine engine;
    private Executor executor;
    private ExecutorConfig executorConfig;

    private DemoStack() {
    }

    /** Starts broker, engine and executor, reporting each step through {@code say}; stops what started if one fails. */
    public static DemoStack start(Options o, Plugins plugins, Consumer<String> say) throws IOException, InterruptedException {
        DemoStack s = new DemoStack();
        try {
            s.startBroker(say);
            Path publicKey = o.outDir().resolve("public.pem").toAbsolutePath();
            KeyPair keys = Ed25519Keys.generate();
            Files.writeString(publicKey, Ed25519Keys.publicPem(keys.getPublic()), StandardCharsets.UTF_8);
            s.startEngine(o, keys, plugins.engineObserver(), say);
            s.startExecutor(o, publicKey, plugins.executorMetrics(), say);
            return s;
        } catch (IOException | InterruptedException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private void startBroker(Consumer<String> say) {
        long t0 = System.nanoTime();
        kafka = EmbeddedKafka.builder().brokerProperties(BROKER).build().start();
        List<String> topics = new ArrayList<>(TOPICS.inputs());
        topics.addAll(List.of(TOPICS.actions(), TOPICS.results(), TOPICS.deadLetter(), TOPICS.signals()));
        kafka.createTopics(PARTITIONS, topics.toArray(String[]::new));
        say.accept(String.format("broker     up at %s, %d topics of %d partitions (%.1f s)", kafka.bootstrapServers(),
                topics.size(), PARTITIONS, seconds(t0)));
    }

    private void startEngine(Options o, KeyPair keys, EngineObserver observer, Consumer<String> say)
            throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Path stateDir = o.outDir().resolve("state").toAbsolutePath();
        deleteRecursively(stateDir); // the broker is new each run, so old state would not match it
        Files.createDirectories(stateDir);
        TripwireEngine.Settings settings = new TripwireEngine.Settings(APPLICATION_ID, kafka.bootstrapServers(),
                serdeConfig(), stateDir, TOPICS, EngineTopics.ActionFormat.AVRO, ENGINE_KAFKA);
        engine = TripwireEngine.start(settings, o.rules(), new ActionSigner(keys.getPrivate()), observer);
        engine.awaitRunning(Duration.ofSeconds(90));
        say.accept(String.format("engine     RUNNING, %d tripwires, signing with an ephemeral key (public key: %s) (%.1f s)",
                o.rules().tripwires().size(), o.outDir().resolve("public.pem"), seconds(t0)));
    }

    private void startExecutor(Options o, Path publicKey, MeterRegistry metrics, Consumer<String> say) throws InterruptedException {
        long t0 = System.nanoTime();
        Map<String, String> env = new HashMap<>();
        env.put(ExecutorConfigLoader.envName("kafka.bootstrap-servers"), kafka.bootstrapServers());
        env.put(ExecutorConfigLoader.envName("trust.public-keys"), publicKey.toString());
        env.put(ExecutorConfigLoader.envName("wire.schema-registry-url"), REGISTRY_URL);
        env.put(ExecutorConfigLoader.envName("dry-run"), Boolean.toString(!o.execute()));
        executorConfig = new ExecutorConfigLoader(env).load(o.executorConfig());
        executor = Executor.create(executorConfig, metrics);
        executor.start();
        if (!executor.awaitRunning(Duration.ofSeconds(90))) {
            throw new IllegalStateException("executor did not start: "
                    + executor.failure().map(Throwable::getMessage).orElse("not running after 90 s"));
        }
        say.accept(String.format("executor   consuming %s, %s, handlers from %s (%.1f s)", TOPICS.actions(),
                o.execute() ? "EXECUTING the example scripts" : "dry run (--execute runs the example scripts)",
                o.executorConfig(), seconds(t0)));
    }

    /** Serde settings of every demo client: the in-process registry shared by name in this JVM. */
    public static Map<String, Object> serdeConfig() {
        return Map.of("schema.registry.url", REGISTRY_URL);
    }

    /** Client settings for the demo broker, with the serde settings; a fresh mutable map. */
    public Map<String, Object> clientConfig() {
        Map<String, Object> c = new HashMap<>(kafka.clientConfig());
        c.putAll(serdeConfig());
        return c;
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public TripwireEngine engine() {
        return engine;
    }

    public Executor executor() {
        return executor;
    }

    public ExecutorConfig executorConfig() {
        return executorConfig;
    }

    /** Stops executor, engine and broker (each at most once; safe after a failed start). */
    @Override
    public synchronized void close() {
        if (executor != null) {
            executor.close();
            executor = null;
        }
        if (engine != null) {
            engine.close();
            engine = null;
        }
        if (kafka != null) {
            kafka.close();
            kafka = null;
        }
        MockSchemaRegistry.drop(REGISTRY_NAME);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
