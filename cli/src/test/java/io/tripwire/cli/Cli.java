package io.tripwire.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/** A {@code tripwire} command run in the test's JVM, as the shell would run it: its exit code and what it printed. */
public final class Cli {

    /** The exit code, and standard output and error in one text (in the order they were written). */
    public record Run(int exit, String out) {
    }

    private Cli() {
    }

    /** Runs {@code tripwire args...}. */
    public static Run cli(String... args) {
        StringWriter out = new StringWriter();
        CommandLine c = new CommandLine(new TripwireCli());
        c.setOut(new PrintWriter(out, true));
        c.setErr(new PrintWriter(out, true));
        int exit = c.execute(args);
        return new Run(exit, out.toString());
    }
}
