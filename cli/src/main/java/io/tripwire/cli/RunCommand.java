package io.tripwire.cli;

import io.tripwire.cli.config.EngineConfig;
import io.tripwire.cli.config.EngineConfigException;
import io.tripwire.engine.TripwireEngine;
import io.tripwire.engine.rules.Rules;
import io.tripwire.engine.rules.RulesException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** {@code tripwire run}: the live engine on a Kafka cluster, until SIGTERM or Ctrl-C. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the live engine on a Kafka cluster until SIGTERM or Ctrl-C.",
            "",
            "Reads the input topics, fires tripwires and writes signed actions to tripwire-actions. Settings come "
                + "from --config (see config/engine.yaml); single values can be overridden with TRIPWIRE_* environment "
                + "variables. Logs the effective settings (secrets masked); on SIGTERM or Ctrl-C closes the engine "
                + "cleanly (commits offsets, finishes transactions) and exits 0."},
        footer = {"", "Examples:",
            "  ./tripwire run --config config/engine.yaml --create-topics --partitions 6",
            "  TRIPWIRE_BOOTSTRAP_SERVERS=broker-1:9093 \\",
            "  TRIPWIRE_KAFKA_SECURITY_PROTOCOL=SASL_SSL \\",
            "      ./tripwire run --config /etc/tripwire/engine.yaml \\",
            "      --signing-key /etc/tripwire/keys/private.pem",
            "  ./tripwire run --set tripwires.read-latency.threshold=400",
            "",
            "Exit codes: 0 stopped by SIGTERM/Ctrl-C; 1 Kafka unreachable, topics",
            "missing or not co-partitioned, engine failed; 2 bad command line, config",
            "or rules."})
public final class RunCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Option(names = "--config", paramLabel = "FILE", defaultValue = "config/engine.yaml",
            description = "Engine settings (YAML). Default: ${DEFAULT-VALUE}.")
    Path config;

    @Option(names = "--create-topics", description = "Create the engine's topics that do not exist yet (existing ones are left alone).")
    boolean createTopics;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "6",
            description = "With --create-topics: partitions of each topic (inputs must all have the same count). Default: ${DEFAULT-VALUE}.")
    int partitions;

    @Option(names = "--replication", paramLabel = "R", defaultValue = "-1",
            description = "With --create-topics: replication factor; -1 uses the broker's default.replication.factor. Default: ${DEFAULT-VALUE}.")
    short replication;

    @Option(names = "--connect-timeout", paramLabel = "D", defaultValue = "30s", converter = DurationConverter.class,
            description = "How long to wait for the Kafka cluster to answer before giving up. Default: ${DEFAULT-VALUE}.")
    Duration connectTimeout;

    @Option(names = {"-v", "--verbose"}, description = "Print stack traces with errors.")
    boolean verbose;

    @Mixin
    RulesOptions rules;

    @Mixin
    SigningOptions signing;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final boolean exitOnSignal;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean cleanStop;

    public RunCommand() {
        this(true);
    }

    /** @param exitOnSignal install the SIGTERM/Ctrl-C shutdown hook (false when a test drives {@link #stop()}) */
    RunCommand(boolean exitOnSignal) {
        this.exitOnSignal = exitOnSignal;
    }

    /** Asks a running engine to close and {@link #call()} to return 0. */
    void stop() {
        stopRequested.countDown();
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        try {
            return run();
        } catch (EngineConfigException | RulesException | CommandLine.TypeConversionException e) {
            return fail(err, e, 2);
        } catch (IOException e) {
            return fail(err, e, 2);
        } catch (RuntimeException e) {
            return fail(err, e, 1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail(err, e, 1);
        } finally {
            stopped.countDown();
        }
    }

    private int run() throws IOException, InterruptedException {
        EngineConfig cfg = EngineConfig.load(config, System.getenv());
        if (rules.rules == null && cfg.rules() != null) {
            rules.rules = cfg.rules();
        }
        if (signing.signingKey == null && cfg.signingKey() != null) {
            signing.signingKey = cfg.signingKey();
        }
        Rules r = rules.load();
        SigningOptions.Signing signer = signing.signer();
        LOG.info("effective settings from {}:", cfg.source());
        cfg.describe().forEach((k, v) -> LOG.info("  {} = {}", k, v));
        if (partitions < 1 || replication == 0 || replication < -1) {
            throw new CommandLine.TypeConversionException("--partitions must be >= 1 and --replication >= 1 (or -1 for the broker default)");
        }
        try (Admin admin = connect(cfg)) {
            if (createTopics) {
                TripwireEngine.createTopics(admin, cfg.topics(), partitions, replication);
            }
        }
        Thread hook = exitOnSignal ? new Thread(this::onSignal, "tripwire-shutdown") : null;
        if (hook != null) {
            Runtime.getRuntime().addShutdownHook(hook);
        }
        try (EngineMonitoring monitoring = EngineMonitoring.start(cfg.metrics().host(), cfg.metrics().port(), r, cfg.metrics().maxTenants());
             TripwireEngine engine = TripwireEngine.start(cfg.engineSettings(), r, signer.signer(), monitoring.observer(), cfg.ingestion())) {
            monitoring.bind(engine);
            if (monitoring.address() != null) {
                LOG.info("metrics on http://{}:{}/metrics, health on /health", cfg.metrics().host(), monitoring.address().getPort());
            }
            return runUntilStopped(engine, spec.commandLine().getErr());
        } finally {
            removeHook(hook);
        }
    }

    private int runUntilStopped(TripwireEngine engine, PrintWriter err) throws InterruptedException {
        boolean announced = false;
        while (!stopRequested.await(500, TimeUnit.MILLISECONDS)) {
            KafkaStreams.State state = engine.streams().state();
            if (!announced && state == KafkaStreams.State.RUNNING) {
                LOG.info("engine RUNNING; stop it with SIGTERM or Ctrl-C");
                announced = true;
            }
            if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.PENDING_ERROR
                    || state == KafkaStreams.State.NOT_RUNNING || state == KafkaStreams.State.PENDING_SHUTDOWN) {
                err.println("tripwire run: the engine stopped unexpectedly (state " + state + "); see the log above");
                err.flush();
                return 1;
            }
        }
        LOG.info("stopping the engine (committing offsets, flushing state)");
        engine.close();
        LOG.info("engine stopped");
        cleanStop = true;
        return 0;
    }

    /**
     * Waits (bounded) for the cluster to answer, so that a wrong address or security setting gives one
     * clear line instead of clients retrying forever; returns the admin client for topic creation.
     */
    private Admin connect(EngineConfig cfg) throws InterruptedException {
        Map<String, Object> c = new HashMap<>();
        // only admin settings: the kafka: map also carries Streams and producer/consumer settings
        cfg.kafka().forEach((k, v) -> {
            if (AdminClientConfig.configNames().contains(k)) {
                c.put(k, v);
            }
        });
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis());
        c.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cfg.bootstrapServers());
        c.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
        c.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(timeoutMs, 30_000));
        String where = "cannot reach Kafka at " + cfg.bootstrapServers() + " within " + connectTimeout.toSeconds()
                + " s (check bootstrap-servers and the kafka: security settings in " + cfg.source() + ")";
        Admin admin;
        try {
            admin = Admin.create(c);
        } catch (KafkaException e) {
            throw new IllegalStateException(where + ": " + rootMessage(e), e);
        }
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs)).clusterId()
                    .get(timeoutMs + 5_000L, TimeUnit.MILLISECONDS);
            return admin;
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            admin.close(Duration.ZERO);
            throw new IllegalStateException(where + ": " + rootMessage(e), e);
        }
    }

    private void onSignal() {
        stopRequested.countDown();
        try {
            stopped.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (cleanStop) {
            // the JVM would report 143 for SIGTERM; a clean, requested stop is a success for supervisors
            System.out.flush();
            System.err.flush();
            Runtime.getRuntime().halt(0);
        }
    }

    private static void removeHook(Thread hook) {
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is what is stopping us: it stays
            }
        }
    }

    private int fail(PrintWriter err, Exception e, int code) {
        String message = e instanceof java.nio.file.NoSuchFileException ? "file not found: " + e.getMessage()
                : e.getMessage() != null ? e.getMessage() : e.toString();
        err.println("tripwire run: " + message);
        if (verbose) {
            e.printStackTrace(err);
        }
        err.flush();
        return code;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }
}
