package io.tripwire.cli.demo;

import io.tripwire.engine.replay.ReplayOutput;
import io.tripwire.engine.rules.Rules;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code DIR/report.html} of the live run: the replay report over what was read back from the topics. */
final class DemoReport {

    private DemoReport() {
    }

    static void write(ReplayOutput live, Rules rules, Path file, String title) throws IOException {
        // TODO(report): io.tripwire.engine.report.ReportWriter.write(live, rules, file, title) once it is on main
        Files.writeString(file, "<!doctype html><title>" + title + "</title><p>report pending: "
                + live.actions().size() + " actions</p>\n", StandardCharsets.UTF_8);
    }
}
