package io.tripwire.cli;

import picocli.CommandLine;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Reads a point in time as ISO-8601 ({@code 2025-10-06T10:00:00Z}, or with an offset such as {@code +02:00}) or epoch milliseconds. */
public final class InstantConverter implements CommandLine.ITypeConverter<Instant> {

    @Override
    public Instant convert(String text) {
        String t = text.trim();
        if (t.matches("\\d{1,18}")) {
            return Instant.ofEpochMilli(Long.parseLong(t));
        }
        try {
            return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException e) {
            throw new CommandLine.TypeConversionException("'" + text + "' is not a time; use ISO-8601 such as 2025-10-06T10:00:00Z, "
                    + "or epoch milliseconds");
        }
    }
}
