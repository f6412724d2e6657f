package io.tripwire.engine.signals;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One evaluated signal value (SPEC section 5): a line of {@code signals.jsonl}, a record of the
 * signals topic, and what the metrics gauges show.
 *
 * @param signal e.g. {@code latency_p95_ms}, {@code error_budget_remaining}
 * @param scope  READ/WRITE, a service, ENACT, or a metric series
 * @param at     event time the value holds at (end of its minute or window)
 */
public record Signal(String signal, String tenant, String scope, long at, double value) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The JSON line, fields in the order SPEC section 5 shows. */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("signal", signal);
        m.put("tenant", tenant);
        m.put("scope", scope);
        m.put("at", Instant.ofEpochMilli(at).toString());
        m.put("value", value);
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
