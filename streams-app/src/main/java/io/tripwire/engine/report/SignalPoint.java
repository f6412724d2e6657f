package io.tripwire.engine.report;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.time.Instant;
import java.util.Optional;

/**
 * One line of {@code signals.jsonl} (SPEC section 5) read back for drawing.
 *
 * @param at    event time in epoch milliseconds
 * @param value NaN when the engine had nothing to measure (e.g. no requests in a latency window)
 */
record SignalPoint(String signal, String tenant, String scope, long at, double value) {

    // NaN is written by Jackson as a bare token; accept it rather than drop the line
    private static final JsonMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    /** The point of a signal line, or empty when the line is not one (it is then counted, not drawn). */
    static Optional<SignalPoint> parse(String line) {
        try {
            JsonNode n = JSON.readTree(line);
            if (n == null || !n.path("signal").isTextual() || !n.path("tenant").isTextual() || !n.path("at").isTextual()) {
                return Optional.empty();
            }
            JsonNode v = n.path("value");
            double value = v.isNumber() ? v.asDouble() : Double.NaN;
            return Optional.of(new SignalPoint(n.get("signal").asText(), n.get("tenant").asText(),
                    n.path("scope").asText(""), Instant.parse(n.get("at").asText()).toEpochMilli(), value));
        } catch (Exception e) {
            // malformed JSON or timestamp: a report still renders the rest
            return Optional.empty();
        }
    }
}
