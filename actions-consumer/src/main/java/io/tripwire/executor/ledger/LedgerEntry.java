package io.tripwire.executor.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tripwire.json.CanonicalJson;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * The value of one {@code action-ledger} record (key = actionId): small canonical JSON such as
 * {@code {"at":"2025-10-06T11:07:01.250Z","attempts":1,"handler":"command","status":"EXECUTED"}}.
 *
 * @param status {@code EXECUTED} or {@code FAILED}; only EXECUTED makes a later copy a duplicate
 * @param at wall-clock time the outcome was recorded
 * @param attempts handler attempts made
 * @param handler the handler kind that ran
 */
public record LedgerEntry(String status, Instant at, int attempts, String handler) {

    /** Status of an action that ran successfully: later copies of its actionId are duplicates. */
    public static final String EXECUTED = "EXECUTED";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Whether this entry makes later copies of the action duplicates. */
    public boolean executed() {
        return EXECUTED.equals(status);
    }

    /** The record value. */
    public byte[] toBytes() {
        return CanonicalJson.write(Map.of("status", status, "at", at.toString(), "attempts", attempts, "handler", handler))
                .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Reads a record value.
     *
     * @throws IllegalArgumentException when it is not a ledger entry
     */
    public static LedgerEntry parse(byte[] value) {
        JsonNode n;
        try {
            n = JSON.readTree(value);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage());
        }
        if (n == null || !n.isObject() || !n.path("status").isTextual() || !n.path("at").isTextual()) {
            throw new IllegalArgumentException("not a ledger entry: needs text fields status and at");
        }
        try {
            return new LedgerEntry(n.get("status").asText(), Instant.parse(n.get("at").asText()),
                    n.path("attempts").asInt(0), n.path("handler").asText(""));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("field 'at' is not an ISO-8601 instant");
        }
    }
}
