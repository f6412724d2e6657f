package io.tripwire.json;

import io.tripwire.wire.DecodeException;

/**
 * A JSON-lines record (SPEC section 2) that cannot be read: bad JSON, a missing required field, a
 * wrong type, an unknown enum symbol, a bad timestamp, or a value that breaks the rules of
 * {@link io.tripwire.wire.EventValidation}. The message names the line (when the text came from a
 * file) and the field, e.g. {@code line 17: field 'latencyMs': expected a number, got "abc"}.
 */
public class JsonFormException extends DecodeException {

    private final long line;

    /**
     * @param reason what was wrong
     * @param field  the offending field, or null
     * @param line   1-based line number, or 0 when the text did not come from a file
     * @param detail what was wrong with the field, e.g. {@code expected a number, got "abc"}
     */
    public JsonFormException(Reason reason, String field, long line, String detail) {
        this(reason, field, line, detail, null);
    }

    /** As {@link #JsonFormException(Reason, String, long, String)}, with the underlying cause. */
    public JsonFormException(Reason reason, String field, long line, String detail, Throwable cause) {
        super(reason, field, message(line, field, detail), cause);
        this.line = line;
    }

    private JsonFormException(String message, Reason reason, String field, long line, Throwable cause) {
        super(reason, field, message, cause);
        this.line = line;
    }

    /** 1-based line number of the record, or 0 when it did not come from a file. */
    public long line() {
        return line;
    }

    @Override
    public JsonFormException inTopic(String topic) {
        if (topic == null || getMessage().startsWith(topic + ": ")) {
            return this;
        }
        return new JsonFormException(topic + ": " + getMessage(), kind(), field(), line, getCause() == null ? this : getCause());
    }

    private static String message(long line, String field, String detail) {
        return (line > 0 ? "line " + line + ": " : "") + (field != null ? "field '" + field + "': " : "") + detail;
    }
}
