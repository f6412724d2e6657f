package io.tripwire.cli;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tripwire.executor.http.ExecutorEndpoints;
import io.tripwire.observability.MetricsServer;
import io.tripwire.executor.Executor;
import io.tripwire.executor.config.ConfigException;
import io.tripwire.executor.config.ExecutorConfig;
import io.tripwire.executor.config.ExecutorConfigLoader;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** {@code tripwire execute}: the executor (SPEC section 6), until SIGTERM or Ctrl-C. */
@Command(name = "execute", header = "Run the executor: verify, deduplicate and carry out each action once.", mixinStandardHelpOptions = true,
        description = {"Run the executor: consume tripwire-actions (read_committed), verify each signature, skip actions",
            "already executed (ledger), run the handler configured for the action type and write an ActionResult",
            "to action-results. Runs until SIGTERM or Ctrl-C, then stops gracefully: the action in hand finishes",
            "and its result is committed. Reference: actions-consumer/README.md."},
        footer = {"", "Examples:",
            "  ./tripwire execute --config config/executor.yaml",
            "  ./tripwire execute --config config/executor.yaml --dry-run        # say what would run, run nothing",
            "  ./tripwire execute --config config/executor.yaml --public-key keys/public.pem",
            "  TRIPWIRE_EXECUTOR_KAFKA_BOOTSTRAP_SERVERS=broker:9092 ./tripwire execute --config config/executor.yaml",
            "",
            "Exit status: 0 after a graceful stop, 1 when the executor stopped on an error or could not start,",
            "2 for a bad configuration."})
public final class ExecuteCommand implements Callable<Integer> {

    private static final Duration REACH_TIMEOUT = Duration.ofSeconds(15);

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "Executor configuration (YAML), e.g. config/executor.yaml.")
    Path config;

    @Option(names = "--dry-run", description = "Run nothing: write DRY_RUN results that say what would have run.")
    boolean dryRun;

    @Option(names = "--public-key", paramLabel = "FILE",
            description = "Accept actions signed by this Ed25519 public key (PEM) instead of the config's trust.public-keys.")
    Path publicKey;

    @Option(names = "--metrics", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:9465",
            description = "Serve GET /metrics (Prometheus) and GET /health (200 once consuming with partitions assigned) here; "
                    + "'off' for none. Default: ${DEFAULT-VALUE}.")
    String metrics;

    @Override
    public Integer call() throws Exception {
        ExecutorConfig c;
        try {
            c = load();
        } catch (ConfigException e) {
            System.err.println("tripwire execute: bad configuration: " + e.getMessage());
            return 2;
        }
        String unreachable = unreachable(c);
        if (unreachable != null) {
            System.err.println("tripwire execute: " + unreachable);
            return 1;
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Executor executor = Executor.create(c, registry);
        Runtime.getRuntime().addShutdownHook(executor.shutdownHook());
        executor.start();
        MetricsServer endpoint = null;
        if (!metrics.equals("off")) {
            int colon = metrics.lastIndexOf(':');
            endpoint = ExecutorEndpoints.start(metrics.substring(0, colon), Integer.parseInt(metrics.substring(colon + 1)), registry, executor);
            System.err.printf("tripwire execute: metrics on http://%s/metrics, health on /health%n", metrics);
        }
        if (!executor.awaitRunning(Duration.ofMinutes(2))) {
            System.err.println("tripwire execute: the executor did not start: " + failure(executor));
            executor.close();
            return 1;
        }
        System.err.printf("tripwire execute: consuming %s as group %s from %s%s; Ctrl-C to stop%n", c.topics().actions(),
                c.kafka().groupId(), c.kafka().bootstrapServers(), c.dryRun() ? " (DRY RUN: nothing will be run)" : "");
        while (!executor.awaitTermination(Duration.ofHours(1))) {
            // runs until SIGTERM / Ctrl-C (the shutdown hook closes it) or an error ends the loop
        }
        if (endpoint != null) {
            endpoint.close();
        }
        if (executor.failure().isPresent()) {
            System.err.println("tripwire execute: stopped on an error: " + failure(executor));
            return 1;
        }
        System.err.println("tripwire execute: stopped");
        return 0;
    }

    private ExecutorConfig load() {
        if (!Files.isRegularFile(config)) {
            throw new ConfigException("", config + ": no such file");
        }
        Map<String, String> env = new HashMap<>(System.getenv());
        if (publicKey != null) {
            env.put(ExecutorConfigLoader.envName("trust.public-keys"), publicKey.toAbsolutePath().toString());
        }
        ExecutorConfig c = new ExecutorConfigLoader(env).load(config);
        return dryRun ? c.withDryRun(true) : c;
    }

    /** Null when the cluster answers within {@link #REACH_TIMEOUT}, else a one-line reason. */
    private static String unreachable(ExecutorConfig c) throws InterruptedException {
        Map<String, Object> p = new HashMap<>(c.kafka().properties());
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, c.kafka().bootstrapServers());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) REACH_TIMEOUT.toMillis());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) REACH_TIMEOUT.toMillis());
        try (Admin admin = Admin.create(p)) {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) REACH_TIMEOUT.toMillis()))
                    .nodes().get(REACH_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            return "cannot reach Kafka at " + c.kafka().bootstrapServers() + " within " + REACH_TIMEOUT.toSeconds()
                    + " s (kafka.bootstrap-servers, or TRIPWIRE_EXECUTOR_KAFKA_BOOTSTRAP_SERVERS): " + cause.getMessage();
        } catch (org.apache.kafka.common.KafkaException e) {
            return "cannot connect to Kafka at " + c.kafka().bootstrapServers() + ": " + e.getMessage();
        }
    }

    private static String failure(Executor executor) {
        return executor.failure().map(t -> {
            Throwable root = t;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            return root == t ? t.toString() : t.getMessage() + " (" + root + ")";
        }).orElse("not running after 2 minutes");
    }
}
