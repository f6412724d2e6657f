package io.tripwire.cli.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Kafka broker in its own JVM, started from the same jar ({@code EmbeddedKafkaMain}). It runs while
 * we keep its stdin open; {@link #close()} closes stdin and waits for it to exit.
 */
final class BrokerProcess implements AutoCloseable {

    private final Process process;
    private final OutputStream stdin;
    private final String bootstrap;

    private BrokerProcess(Process process, String bootstrap) {
        this.process = process;
        this.stdin = process.getOutputStream();
        this.bootstrap = bootstrap;
    }

    static BrokerProcess start(Path logDir, String heap) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = classpath();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx" + heap, "-Xms" + heap, "-cp", classpath,
                "io.tripwire.kafka.EmbeddedKafkaMain", "--log-dir", logDir.toString()));
        Process p = new ProcessBuilder(cmd)
                .redirectError(logDir.resolveSibling("broker.log").toFile())
                .start();
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = r.readLine()) != null) {
            if (line.startsWith("BOOTSTRAP=")) {
                return new BrokerProcess(p, line.substring("BOOTSTRAP=".length()).trim());
            }
        }
        p.destroy();
        throw new IOException("broker exited before printing BOOTSTRAP= (see " + logDir.resolveSibling("broker.log") + ")");
    }

    /** The jar (or classes directory) this class was loaded from: it holds EmbeddedKafkaMain too. */
    private static String classpath() {
        try {
            return new File(BrokerProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getPath();
        } catch (Exception e) {
            return System.getProperty("java.class.path");
        }
    }

    String bootstrap() {
        return bootstrap;
    }

    long pid() {
        return process.pid();
    }

    /** Resident set size of the broker process, in MB (Linux), or -1. */
    long rssMb() {
        return Machine.rssMb(process.pid());
    }

    @Override
    public void close() {
        try {
            stdin.close();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroy();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (IOException | InterruptedException e) {
            process.destroy();
        }
    }
}
