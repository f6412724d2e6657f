package io.tripwire.cli.opa;

import io.tripwire.cli.ByteSizeConverter;
import io.tripwire.cli.ClientOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code tripwire opa-logs}: OPA's decision-log upload in, one Kafka record per decision out. */
@Command(name = "opa-logs", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Receive OPA's decision-log uploads and produce each decision to a topic the engine reads.",
            "",
            "Point an OPA service at this address and its decision_logs plugin at the service (docs/deploy.md): OPA POSTs "
                + "gzip-compressed JSON arrays of decision-log events to <url>/logs. Each event goes to --topic as one record "
                + "(keyed by its tenant), idempotent with acks=all, and OPA gets its 204 only after the broker has acknowledged "
                + "every event of the upload; otherwise a 503, and OPA sends the chunk again. Set the engine's opa.topic to the "
                + "same topic. GET /health answers 200 without credentials. Runs until SIGTERM.",
            "",
            "Uploads must prove who sent them: a bearer token (--token-file; OPA's credentials.bearer) or a client "
                + "certificate (--client-ca with --tls-cert/--tls-key; OPA's credentials.client_tls); without either a 401 "
                + "or a refused handshake, and nothing is produced. Bodies over --max-body as sent or --max-decompressed "
                + "once gunzipped get a 413, also producing nothing. Without credentials it listens on a loopback "
                + "address only (127.0.0.1, ::1), and warns that anyone on the host can post."},
        footer = {"", "Examples:",
            "  # bearer token over HTTPS (OPA: credentials.bearer.token_path, tls.ca_cert)",
            "  openssl rand -hex 32 > /etc/tripwire/opa-token",
            "  ./tripwire opa-logs --listen 0.0.0.0:9466 --bootstrap-server broker:9092 \\",
            "      --token-file /etc/tripwire/opa-token \\",
            "      --tls-cert server.pem --tls-key server-key.pem",
            "",
            "  # mutual TLS (OPA: credentials.client_tls, its certificate signed by ca.pem)",
            "  ./tripwire opa-logs --listen 0.0.0.0:9466 --bootstrap-server broker:9092 \\",
            "      --tls-cert server.pem --tls-key server-key.pem --client-ca ca.pem",
            "",
            "  # OPA on this host only: no credentials (warns); Kafka security from a file",
            "  ./tripwire opa-logs --listen 127.0.0.1:9466 --topic opa-decision-logs \\",
            "      --command-config client.properties",
            "",
            "Exit codes: 0 stopped; 2 bad command line, unreadable token, certificate or key, no credentials on a "
                + "non-loopback address, or cannot listen."})
public final class OpaLogsCommand implements Callable<Integer> {

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "${env:TRIPWIRE_OPA_LISTEN:-127.0.0.1:9466}",
            description = "Address to listen on; anything but a loopback address needs --token-file or --client-ca. "
                    + "Env: TRIPWIRE_OPA_LISTEN. Default: ${DEFAULT-VALUE}.")
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

    @Option(names = "--token-file", paramLabel = "FILE", defaultValue = "${env:TRIPWIRE_OPA_TOKEN_FILE}",
            description = "Require 'Authorization: Bearer <token>' on every upload, the token being this file's content with "
                    + "surrounding whitespace trimmed (OPA's credentials.bearer.token_path reads it the same way). Missing or "
                    + "wrong: 401. Read once at start. Env: TRIPWIRE_OPA_TOKEN_FILE.")
    Path tokenFile;

    @Option(names = "--tls-cert", paramLabel = "PEM", defaultValue = "${env:TRIPWIRE_OPA_TLS_CERT}",
            description = "Serve HTTPS with this certificate (PEM: the server's certificate first, then any intermediates); "
                    + "needs --tls-key. OPA checks it against its service's tls.ca_cert. Env: TRIPWIRE_OPA_TLS_CERT.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", defaultValue = "${env:TRIPWIRE_OPA_TLS_KEY}",
            description = "The private key of --tls-cert (PEM: PKCS#8, PKCS#1 RSA or SEC1 EC; not encrypted). "
                    + "Env: TRIPWIRE_OPA_TLS_KEY.")
    Path tlsKey;

    @Option(names = "--client-ca", paramLabel = "PEM", defaultValue = "${env:TRIPWIRE_OPA_CLIENT_CA}",
            description = "Mutual TLS: require a client certificate signed by one of these CA certificates (PEM), as OPA "
                    + "presents with credentials.client_tls; a client without one is refused in the handshake. Needs "
                    + "--tls-cert and --tls-key. Env: TRIPWIRE_OPA_CLIENT_CA.")
    Path clientCa;

    @Option(names = "--max-body", paramLabel = "SIZE", defaultValue = "10MB", converter = ByteSizeConverter.class,
            description = "Largest request body as sent (gzip-compressed, as OPA sends it); larger: 413, nothing produced. "
                    + "OPA's chunks are at most its decision_logs.reporting.upload_size_limit_bytes (32KB by default). "
                    + "Sizes: 512KB, 10MB, 1GB (1024-based) or bytes. Default: ${DEFAULT-VALUE}.")
    long maxBody;

    @Option(names = "--max-decompressed", paramLabel = "SIZE", defaultValue = "100MB", converter = ByteSizeConverter.class,
            description = "Largest request body once gunzipped; larger: 413, nothing produced, and a gzip bomb is inflated no "
                    + "further than this. Up to four uploads are held in memory at once. Default: ${DEFAULT-VALUE}.")
    long maxDecompressed;

    @Mixin
    ClientOptions client;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        InetSocketAddress address = address();
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), (tlsCert == null ? "--tls-key" : "--tls-cert")
                    + " needs " + (tlsCert == null ? "--tls-cert" : "--tls-key") + ": HTTPS takes a certificate and its private key");
        }
        if (clientCa != null && tlsCert == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--client-ca needs --tls-cert and --tls-key: client certificates are asked for in a TLS handshake, so the server must serve HTTPS");
        }
        UploadGuard guard;
        try {
            guard = new UploadGuard(tokenFile == null ? null : BearerToken.read(tokenFile),
                    tlsCert == null ? null : ServerTls.load(tlsCert, tlsKey, clientCa), maxBody, maxDecompressed);
            guard.exposure(address); // said here, before a producer is made, as one line
        } catch (IllegalArgumentException | IOException e) {
            return fail(e);
        }
        Map<String, Object> producer = client.producerConfig();
        CountDownLatch stop = new CountDownLatch(1);
        try (OpaLogReceiver r = new OpaLogReceiver(address, guard, producer, topic, tenantPath, sendTimeoutMs)) {
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "opa-logs-stop"));
            // the host as given: a wildcard 0.0.0.0 is bound as the dual-stack ::, which would read as IPv6 only
            String host = address.getHostString().contains(":") ? "[" + address.getHostString() + "]" : address.getHostString();
            out.printf("opa-logs: listening on %s://%s:%d/logs (%s), producing to %s at %s%n", r.https() ? "https" : "http",
                    host, r.address().getPort(), guard.describe(), topic, client.bootstrapServer());
            out.flush();
            stop.await();
            out.printf("opa-logs: stopped after %,d uploads, %,d events; refused %,d without valid credentials (401), "
                    + "%,d too large (413), %,d malformed (400)%n", r.uploads(), r.events(), r.unauthorized(), r.tooLarge(), r.malformed());
        } catch (java.net.BindException e) {
            spec.commandLine().getErr().println("tripwire opa-logs: cannot listen on " + listen + ": " + e.getMessage());
            return 2;
        }
        return 0;
    }

    private InetSocketAddress address() {
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
        return new InetSocketAddress(listen.substring(0, colon), port);
    }

    /** One line on stderr naming what is wrong; exit code 2. */
    private int fail(Exception e) {
        String message = e instanceof java.nio.file.NoSuchFileException ? e.getMessage() + ": file not found"
                : e instanceof java.nio.file.AccessDeniedException ? e.getMessage() + ": permission denied"
                : e.getMessage() != null ? e.getMessage() : e.toString();
        spec.commandLine().getErr().println("tripwire opa-logs: " + message);
        spec.commandLine().getErr().flush();
        return 2;
    }
}
