package io.tripwire.cli;

import io.tripwire.engine.rules.RuleNode;
import picocli.CommandLine;

import java.time.Duration;
import java.util.regex.Pattern;

/** Reads durations as the rules file writes them ({@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 1d}) or ISO-8601 ({@code PT30S}). */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    @Override
    public Duration convert(String text) {
        if (SHORT.matcher(text.trim()).matches()) {
            return RuleNode.parseDuration("duration", text);
        }
        try {
            return Duration.parse(text.trim());
        } catch (RuntimeException e) {
            throw new CommandLine.TypeConversionException("'" + text + "' is not a duration; use e.g. 500ms, 30s, 5m, 1h");
        }
    }
}
