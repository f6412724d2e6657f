package io.tripwire.cli.demo;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Sends the logs of a demo run to a file, so the terminal shows only the demo's own output. The
 * CLI logs with slf4j-simple to whatever {@code System.err} is at the time of each line (its output
 * stream is not cached), so swapping {@code System.err} moves every logger, Kafka's included, at once.
 */
final class DemoLogging implements AutoCloseable {

    private final PrintStream terminalErr;
    private final PrintStream log;

    private DemoLogging(PrintStream terminalErr, PrintStream log) {
        this.terminalErr = terminalErr;
        this.log = log;
    }

    static DemoLogging toFile(Path file) throws IOException {
        PrintStream log = new PrintStream(new FileOutputStream(file.toFile()), true, StandardCharsets.UTF_8);
        DemoLogging l = new DemoLogging(System.err, log);
        System.setErr(log);
        return l;
    }

    /** The stderr the demo was started with, for its own error messages. */
    PrintStream terminalErr() {
        return terminalErr;
    }

    /** Puts stderr back. */
    @Override
    public void close() {
        System.setErr(terminalErr);
        log.close();
    }
}
