package io.tripwire.cli.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What a bench run prints: free-form lines as it goes, then the figures as {@code key=value} lines
 * (in the order they were recorded). Everything printed is also kept for the results file.
 */
final class BenchReport {

    private final PrintStream out;
    private final StringBuilder text = new StringBuilder();
    private final Map<String, String> figures = new LinkedHashMap<>();

    BenchReport(PrintStream out) {
        this.out = out;
    }

    void line(String format, Object... args) {
        String s = args.length == 0 ? format : String.format(Locale.ROOT, format, args);
        out.println(s);
        out.flush();
        text.append(s).append('\n');
    }

    void figure(String key, double value) {
        figures.put(key, format(value));
    }

    void figure(String key, long value) {
        figures.put(key, Long.toString(value));
    }

    void figure(String key, String value) {
        figures.put(key, value);
    }

    Map<String, String> figures() {
        return figures;
    }

    /** A number as a key=value line carries it: integers plainly, others with at most 3 decimals. */
    static String format(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return "NaN";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return String.format(Locale.ROOT, "%.3f", value).replaceAll("0+$", "");
    }

    /** The key=value lines, one per figure. */
    String keyValues() {
        StringBuilder b = new StringBuilder();
        figures.forEach((k, v) -> b.append(k).append('=').append(v).append('\n'));
        return b.toString();
    }

    /** Prints the key=value lines and writes everything printed to {@code file}. */
    void finish(Path file) throws IOException {
        String kv = keyValues();
        out.print(kv);
        out.flush();
        text.append(kv);
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        Files.writeString(file, text.toString(), StandardCharsets.UTF_8);
    }
}
