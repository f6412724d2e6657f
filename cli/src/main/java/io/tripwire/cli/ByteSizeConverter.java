package io.tripwire.cli;

import picocli.CommandLine;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads sizes as people write them: {@code 10MB}, {@code 512KB}, {@code 1GB}, {@code 4096} (bytes).
 * KB, MB and GB are 1024-based (KiB, MiB, GiB are read the same); case does not matter. A size is
 * at least one byte.
 */
public final class ByteSizeConverter implements CommandLine.ITypeConverter<Long> {

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?");
    private static final long KB = 1024;
    private static final long MB = KB * 1024;
    private static final long GB = MB * 1024;

    @Override
    public Long convert(String text) {
        return parse(text);
    }

    /** The size in bytes; an {@link CommandLine.TypeConversionException} names the text and the accepted forms. */
    public static long parse(String text) {
        Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new CommandLine.TypeConversionException("'" + text + "' is not a size; use e.g. 10MB, 512KB or 4096 (bytes)");
        }
        long unit = switch (m.group(2) == null ? "b" : m.group(2).substring(0, 1)) {
            case "k" -> KB;
            case "m" -> MB;
            case "g" -> GB;
            default -> 1;
        };
        try {
            long bytes = Math.multiplyExact(Long.parseLong(m.group(1)), unit);
            if (bytes < 1) {
                throw new CommandLine.TypeConversionException("'" + text + "': a size must be at least 1 byte");
            }
            return bytes;
        } catch (ArithmeticException | NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + text + "' is too large a size");
        }
    }

    /** The size as {@link #parse} reads it back: the largest whole unit ({@code 10MB}), else bytes. */
    public static String format(long bytes) {
        if (bytes % GB == 0) {
            return bytes / GB + "GB";
        }
        if (bytes % MB == 0) {
            return bytes / MB + "MB";
        }
        if (bytes % KB == 0) {
            return bytes / KB + "KB";
        }
        return bytes + " bytes";
    }
}
