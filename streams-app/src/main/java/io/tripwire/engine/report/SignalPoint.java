package io.tripwire.engine.report;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.tripwire.json.Iso;

import java.time.Instant;
import java.util.Optional;

/**
 * One line of {@code signals.jsonl} (SPEC section 5) read back for drawing.
 *
 * @param at    event time in epoch milliseconds
 * @param value NaN when the engine had nothing to measure (e.g. no requests in a latency window);
 *              infinite when it was past the largest double (a canary e-value can be)
 */
record SignalPoint(String signal, String tenant, String scope, long at, double value) {

    // NaN is written by Jackson as a bare token; accept it rather than drop the line
    private static final JsonMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    /** The point of a signal line, or empty when the line is not one (it is then counted, not drawn). */
    static Optional<SignalPoint> parse(String line) {
        // a streaming read of the one object (a tree per line was most of a large report's time), with
        // the tree's rules: signal, tenant and at must be strings, a value that is not a number is NaN
        // (save the strings Jackson writes an infinite double as), a missing scope is "", the last of a
        // repeated field counts, what follows the object is ignored
        try (JsonParser p = JSON.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            String signal = null;
            String tenant = null;
            String scope = "";
            String at = null;
            double value = Double.NaN;
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                String text = v == JsonToken.VALUE_STRING ? p.getText() : null;
                switch (name) {
                    case "signal" -> signal = text;
                    case "tenant" -> tenant = text;
                    case "at" -> at = text;
                    case "scope" -> scope = v.isScalarValue() && v != JsonToken.VALUE_NULL ? p.getText() : "";
                    case "value" -> value = v.isNumeric() ? p.getDoubleValue() : infinity(text);
                    default -> {
                    }
                }
                p.skipChildren();
            }
            if (signal == null || tenant == null || at == null) {
                return Optional.empty();
            }
            return Optional.of(new SignalPoint(signal, tenant, scope, Iso.parse(at).toEpochMilli(), value));
        } catch (Exception e) {
            // malformed JSON or timestamp: a report still renders the rest
            return Optional.empty();
        }
    }

    /** The value of the string Jackson writes for an infinite double ("Infinity", "-Infinity"); NaN for any other. */
    private static double infinity(String text) {
        if ("Infinity".equals(text)) {
            return Double.POSITIVE_INFINITY;
        }
        return "-Infinity".equals(text) ? Double.NEGATIVE_INFINITY : Double.NaN;
    }
}
