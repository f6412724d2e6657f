package io.tripwire.cli.opa;

import io.tripwire.cli.ClientOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code tripwire opa-logs}: OPA's decision-log upload in, one Kafka record per decision out. */
@Command(name = "opa-logs", mixinStandardHelpOptions = true,
        description = {"Receive OPA's decision-log uploads and produce each decision to a topic the engine reads.",
            "",
            "Point an OPA service at this address and its decision_logs plugin at the service (docs/deploy.md): OPA POSTs "
                + "gzip-compressed JSON arrays of decision-log events to <url>/logs. Each event goes to --topic as one record "
                + "(keyed by its tenant), idempotent with acks=all, and OPA gets its 204 only after the broker has acknowledged "
                + "every event of the upload; otherwise a 503, and OPA sends the chunk again. Set the engine's opa.topic to the "
                + "same topic. GET /health answers 200. Runs until SIGTERM."},
        footer = {"", "Examples:",
            "  ./tripwire opa-logs --listen 0.0.0.0:9466 --bootstrap-server broker:9092",
            "  ./tripwire opa-logs --listen 127.0.0.1:9466 --topic opa-decision-logs \\",
            "      --command-config client.properties",
            "",
            "Exit codes: 0 stopped; 2 bad command line or cannot listen."})
public final class OpaLogsCommand implements Callable<Integer> {

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "${env:TRIPWIRE_OPA_LISTEN:-127.0.0.1:9466}",
            description = "Address to listen on. Env: TRIPWIRE_OPA_LISTEN. Default: ${DEFAULT-VALUE}.")
    String listen;

    @Option(names = "--topic", paramLabel = "TOPIC", defaultValue = "${env:TRIPWIRE_OPA_TOPIC:-opa-decision-logs}",
            description = "Topic for the events (the engine's opa.topic). Env: TRIPWIRE_OPA_TOPIC. Default: ${DEFAULT-VALUE}.")
    String topic;

    @Option(names = "--tenant-path", paramLabel = "PATH", defaultValue = "input.tenant",
            description = "Where the tenant is in an event, for the record key (the engine's opa.tenant-path). Default: ${DEFAULT-VALUE}.")
    String tenantPath;

    @Option(names = "--send-timeout-ms", paramLabel = "MS", defaultValue = "30000",
            description = "How long an upload waits for the broker's acknowledgements before OPA is told to retry. Default: ${DEFAULT-VALUE}.")
    long sendTimeoutMs;

    @Mixin
    ClientOptions client;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        int colon = listen.lastIndexOf(':');
        int port;
        try {
            port = Integer.parseInt(listen.substring(colon + 1));
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--listen " + listen + ": expected HOST:PORT, e.g. 0.0.0.0:9466");
        }
        if (colon <= 0 || port < 0 || port > 65535) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--listen " + listen + ": expected HOST:PORT, e.g. 0.0.0.0:9466");
        }
        Map<String, Object> producer = client.producerConfig();
        CountDownLatch stop = new CountDownLatch(1);
        try (OpaLogReceiver r = new OpaLogReceiver(new InetSocketAddress(listen.substring(0, colon), port), producer, topic, tenantPath,
                sendTimeoutMs)) {
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "opa-logs-stop"));
            out.printf("opa-logs: listening on http://%s:%d/logs, producing to %s at %s%n", r.address().getHostString(),
                    r.address().getPort(), topic, client.bootstrapServer());
            out.flush();
            stop.await();
            out.printf("opa-logs: stopped after %,d uploads, %,d events%n", r.uploads(), r.events());
        } catch (java.net.BindException e) {
            spec.commandLine().getErr().println("tripwire opa-logs: cannot listen on " + listen + ": " + e.getMessage());
            return 2;
        }
        return 0;
    }
}
