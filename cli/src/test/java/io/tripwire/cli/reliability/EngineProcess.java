package io.tripwire.cli.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./tripwire run --config FILE} in its own JVM ({@code target/tripwire.jar}, the shaded jar
 * Failsafe finds built), its stdout and stderr in a log file under {@code target/reliability/}.
 * {@link #kill()} is {@code kill -9}: no shutdown hook, no flush, no commit.
 */
final class EngineProcess implements AutoCloseable {

    private static final Path JAR = Path.of("target", "tripwire.jar").toAbsolutePath();

    private final String name;
    private final Path log;
    private final Process process;

    private EngineProcess(String name, Path log, Process process) {
        this.name = name;
        this.log = log;
        this.process = process;
    }

    /** Starts {@code tripwire run --config config}; {@code name} names the log file. */
    static EngineProcess start(String name, Path config) throws IOException {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: the reliability ITs run after 'package' (mvn verify)");
        }
        Path dir = Files.createDirectories(Path.of("target", "reliability").toAbsolutePath());
        Path log = dir.resolve(name + ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m", "-XX:+UseSerialGC", "-jar", JAR.toString(),
                "run", "--config", config.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new EngineProcess(name, log, p);
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits until the engine logs that it is RUNNING; fails with the log's tail if it exits first. */
    EngineProcess awaitRunning(Duration timeout) throws IOException, InterruptedException {
        awaitLog("engine RUNNING", timeout);
        return this;
    }

    /** Waits until the log holds {@code text}. */
    void awaitLog(String text, Duration timeout) throws IOException, InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!log().contains(text)) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + " before logging '" + text + "':\n" + tail());
            }
            if (System.nanoTime() > end) {
                throw new AssertionError(name + " did not log '" + text + "' within " + timeout + ":\n" + tail());
            }
            Thread.sleep(100);
        }
    }

    String log() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    /** The last 40 lines of the log, for failure messages. */
    String tail() {
        try {
            List<String> lines = log().lines().toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** kill -9, and wait until the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " (pid " + process.pid() + ") still alive 30 s after kill -9");
        }
    }

    @Override
    public void close() {
        try {
            kill();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
