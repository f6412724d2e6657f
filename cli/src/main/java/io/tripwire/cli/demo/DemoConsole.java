package io.tripwire.cli.demo;

import java.io.PrintStream;

/**
 * The demo's screen: lines (steps, table rows, the summary) and one progress line. On a terminal
 * the progress line is redrawn in place with {@code \r} and stays below the rows printed while it
 * shows; otherwise (a pipe, a log file, a test) it is printed as a plain line every few seconds.
 * Synchronized, since rows come from the feed thread and progress from the main thread.
 */
final class DemoConsole {

    private static final long PLAIN_PROGRESS_EVERY_NANOS = 5_000_000_000L;

    private final PrintStream out;
    private final boolean terminal;
    private String progress;
    private long lastPlainProgress;

    DemoConsole(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** A console on stdout; a terminal when the JVM has one (stdin and stdout attached to it). */
    static DemoConsole onStdout() {
        return new DemoConsole(System.out, System.console() != null);
    }

    synchronized void line(String text) {
        clearProgress();
        out.println(text);
        redrawProgress();
        out.flush();
    }

    /** Shows {@code text} as the progress line; {@code force} prints it even in plain mode. */
    synchronized void progress(String text, boolean force) {
        if (terminal) {
            clearProgress();
            progress = text;
            redrawProgress();
        } else {
            long now = System.nanoTime();
            if (force || lastPlainProgress == 0 || now - lastPlainProgress >= PLAIN_PROGRESS_EVERY_NANOS) {
                out.println(text);
                lastPlainProgress = now;
            }
        }
        out.flush();
    }

    /** Leaves the last progress line on screen and moves below it. */
    synchronized void endProgress(String finalText) {
        if (terminal) {
            clearProgress();
            progress = null;
        }
        out.println(finalText);
        out.flush();
    }

    private void clearProgress() {
        if (terminal && progress != null) {
            out.print("\r" + " ".repeat(progress.length()) + "\r");
        }
    }

    private void redrawProgress() {
        if (terminal && progress != null) {
            out.print(progress);
        }
    }
}
