package io.tripwire.cli.demo;

import io.tripwire.cli.RulesOptions;
import io.tripwire.engine.replay.ReplayOutput;
import io.tripwire.engine.rules.Rules;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;

/** {@code tripwire demo}: broker, engine and executor in one process, playing the Wave A scenario live. */
@Command(name = "demo", header = "Broker, engine, executor and the Wave A scenario live in one process, with nothing to set up.", mixinStandardHelpOptions = true,
        description = {"Run everything in this one process, with nothing to set up: an embedded Kafka broker, the engine",
            "and the executor (dry run), and play test-data/wave-a.jsonl (one hour of canary Wave A) through the",
            "input topics as fast as the broker takes it. Shows each action as it reaches tripwire-actions with",
            "the executor's result, then a summary, and writes DIR/actions.jsonl, results.jsonl, signals.jsonl,",
            "dead-letter.jsonl, report.html and demo.log (the logs)."},
        footer = {"", "Examples:",
            "  ./tripwire demo",
            "  ./tripwire demo --out /tmp/demo --linger 300     # keep the broker up 5 minutes for kcat",
            "  ./tripwire demo --speed 120                      # pace the hour at 120x real time (30 s)",
            "  ./tripwire demo --scenario canary                # a 2% canary rollout judged against its baseline",
            "  ./tripwire demo --execute                        # really run config/scripts/ (they only print)"})
public final class DemoCommand implements Callable<Integer> {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "demo-out", description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--linger", paramLabel = "SECONDS", defaultValue = "0",
            description = "Keep everything up this long after the summary (to look at the topics), then stop.")
    long linger;

    @Option(names = "--speed", paramLabel = "N", defaultValue = "0",
            description = "Play at N times real time (120: the hour in 30 s). Default 0: as fast as the broker takes it.")
    double speed;

    @Option(names = "--execute", description = "Run the handlers (config/scripts/, which only print) instead of a dry run.")
    boolean execute;

    @Option(names = "--scenario", paramLabel = "NAME|FILE.jsonl", description = {"Events to play: a scenario of the repository's "
            + "test-data/ by name (wave-a, the default: one hour of canary Wave A; canary: a 2% canary only the canary judgement "
            + "catches, SPEC 3), or any JSON-lines file."})
    String scenarioName;

    /** A bare name (wave-a, canary) is test-data/NAME.jsonl of the repository; anything else a file path. */
    static Path scenarioPath(String name) {
        if (name == null) {
            name = "wave-a";
        }
        if (name.matches("[a-z0-9][a-z0-9-]*")) {
            return RepoFiles.require("test-data/" + name + ".jsonl", "known scenarios: wave-a, canary; or pass --scenario FILE.jsonl");
        }
        return Path.of(name);
    }

    @Mixin
    RulesOptions rules;

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        if (speed < 0 || linger < 0) {
            System.err.println("tripwire demo: --speed and --linger must be >= 0");
            return 2;
        }
        Files.createDirectories(out);
        try (DemoLogging logs = DemoLogging.toFile(out.resolve("demo.log"))) {
            try {
                return run(logs, t0);
            } catch (Exception e) {
                e.printStackTrace(); // into demo.log
                logs.terminalErr().println("tripwire demo: failed: " + e.getMessage() + " (details in " + out.resolve("demo.log") + ")");
                return 1;
            }
        }
    }

    private int run(DemoLogging logs, long t0) throws Exception {
        DemoConsole console = DemoConsole.onStdout();
        Scenario scenario;
        Path executorConfig;
        Rules r;
        try {
            scenario = Scenario.read(scenarioPath(scenarioName), DemoStack.TOPICS);
            executorConfig = RepoFiles.require("config/demo/executor.yaml", "run ./tripwire demo from the repository");
            r = rules.load();
        } catch (IllegalStateException e) {
            logs.terminalErr().println("tripwire demo: " + e.getMessage());
            return 1;
        }
        // the story's approvals re-signed with the demo's own approver keys (never the committed test key)
        DemoApprovals approvals = DemoApprovals.prepare(r, scenario, out);
        r = approvals.rules();
        scenario = approvals.scenario();
        console.line(String.format("tripwire demo: %,d events of %s (%s-%s event time)%s; logs in %s", scenario.events().size(),
                scenario.file().getFileName(), TIME.format(scenario.first()), TIME.format(scenario.last()),
                scenario.unreadable().isEmpty() ? "" : ", " + scenario.unreadable().size() + " unreadable lines skipped",
                out.resolve("demo.log")));
        approvals.describe(out).ifPresent(console::line);
        DemoStack.Options options = new DemoStack.Options(out, r, executorConfig, execute);
        int exit;
        io.micrometer.prometheusmetrics.PrometheusMeterRegistry executorRegistry =
                new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
        try (io.tripwire.cli.EngineMonitoring monitoring = engineMonitoring(r);
             DemoStack stack = DemoStack.start(options, new DemoStack.Plugins(monitoring.observer(), executorRegistry), console::line);
             io.tripwire.observability.MetricsServer executorEndpoint = executorEndpoint(executorRegistry, stack)) {
            monitoring.bind(stack.engine());
            console.line(String.format("metrics    engine http://%s/metrics (/health), executor http://%s/metrics (/health)",
                    hostPort(monitoring.address()), hostPort(executorEndpoint.address())));
            Thread stopOnCtrlC = new Thread(stack::close, "tripwire-demo-shutdown");
            Runtime.getRuntime().addShutdownHook(stopOnCtrlC);
            try {
                exit = runScenario(stack, scenario, r, console, t0);
            } finally {
                removeHook(stopOnCtrlC);
                console.line("stopping the executor, the engine and the broker…");
            }
        }
        console.line(String.format("done in %.1f s", (System.nanoTime() - t0) / 1e9));
        return exit;
    }

    /** The engine's endpoint on 127.0.0.1:9464, or a free port when another process holds it. */
    private static io.tripwire.cli.EngineMonitoring engineMonitoring(Rules r) throws java.io.IOException {
        try {
            return io.tripwire.cli.EngineMonitoring.start("127.0.0.1", io.tripwire.observability.MetricsServer.ENGINE_PORT, r, 1000);
        } catch (java.io.IOException busy) {
            return io.tripwire.cli.EngineMonitoring.startOnFreePort("127.0.0.1", r, 1000);
        }
    }

    private static io.tripwire.observability.MetricsServer executorEndpoint(
            io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry, DemoStack stack) throws java.io.IOException {
        try {
            return io.tripwire.executor.http.ExecutorEndpoints.start("127.0.0.1", io.tripwire.observability.MetricsServer.EXECUTOR_PORT,
                    registry, stack.executor());
        } catch (java.io.IOException busy) {
            return io.tripwire.executor.http.ExecutorEndpoints.start("127.0.0.1", 0, registry, stack.executor());
        }
    }

    private static String hostPort(java.net.InetSocketAddress a) {
        return a == null ? "(off)" : a.getHostString() + ":" + a.getPort();
    }

    private int runScenario(DemoStack stack, Scenario scenario, Rules r, DemoConsole console, long t0) throws Exception {
        double startup = (System.nanoTime() - t0) / 1e9;
        Playback.Outcome outcome = new Playback(stack, scenario, console, speed, Duration.ofSeconds(60)).run();
        ReplayOutput live = DemoOutputs.asReplayOutput(outcome.seen(), scenario, outcome.eventsPlayed(), r);
        DemoOutputs.write(live, outcome.seen().results(), r, out, "tripwire demo: " + scenario.file().getFileName() + " (live run)");
        console.line("");
        console.line(String.format("summary: %,d events played and processed in %.1f s (start-up %.1f s); total %.1f s so far",
                outcome.eventsPlayed(), outcome.took().toMillis() / 1000.0, startup, (System.nanoTime() - t0) / 1e9));
        DemoSummary.lines(live, outcome.seen().results(), outcome.seen().withoutResult()).forEach(console::line);
        console.line(String.format("  %-22s %s: actions.jsonl, results.jsonl, signals.jsonl, dead-letter.jsonl, report.html, public.pem, demo.log",
                "wrote", out));
        if (!outcome.finished()) {
            console.line("tripwire demo: the run did not finish: " + outcome.unfinishedReason());
            return 1;
        }
        linger(stack, console);
        return 0;
    }

    private void linger(DemoStack stack, DemoConsole console) throws InterruptedException {
        if (linger <= 0) {
            return;
        }
        console.line("");
        console.line(String.format("lingering %d s (Ctrl-C to stop): broker at %s, e.g.", linger, stack.bootstrapServers()));
        console.line(String.format("  kcat -b %s -L", stack.bootstrapServers()));
        console.line(String.format("  kcat -b %s -C -t tripwire-signals -e -o beginning", stack.bootstrapServers()));
        Thread.sleep(Duration.ofSeconds(linger).toMillis());
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down (Ctrl-C): the hook is running
        }
    }
}
