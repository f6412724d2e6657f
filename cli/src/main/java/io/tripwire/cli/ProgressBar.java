package io.tripwire.cli;

import io.tripwire.engine.replay.FileReplay;

import java.io.PrintStream;

/** A one-line progress bar on stderr for long work; silent when stderr is not a terminal-sized job. */
public final class ProgressBar implements FileReplay.Progress {

    private final PrintStream out;
    private String lastPhase;

    public ProgressBar(PrintStream out) {
        this.out = out;
    }

    @Override
    public void update(String phase, long done, long total) {
        if (!phase.equals(lastPhase) && lastPhase != null) {
            out.println();
        }
        lastPhase = phase;
        int width = 30;
        int filled = total <= 0 ? width : (int) Math.min(width, done * width / total);
        out.printf("\r%-10s [%s%s] %3d%%", phase, "#".repeat(filled), ".".repeat(width - filled),
                total <= 0 ? 100 : Math.min(100, done * 100 / total));
        if (done >= total) {
            out.println();
            lastPhase = null;
        }
        out.flush();
    }
}
