package io.tripwire.engine.report;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.tripwire.engine.signals.Signal;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class SignalPointTest {

    private static final JsonMapper TREE = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    /** The tree-model reading the streaming one replaced: the reference for what a line means. */
    private static Optional<SignalPoint> byTree(String line) {
        try {
            JsonNode n = TREE.readTree(line);
            if (n == null || !n.path("signal").isTextual() || !n.path("tenant").isTextual() || !n.path("at").isTextual()) {
                return Optional.empty();
            }
            JsonNode v = n.path("value");
            return Optional.of(new SignalPoint(n.get("signal").asText(), n.get("tenant").asText(), n.path("scope").asText(""),
                    Instant.parse(n.get("at").asText()).toEpochMilli(), v.isNumber() ? v.asDouble() : Double.NaN));
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    @Test
    void readsEveryLineAsTheTreeModelDid() {
        List<String> lines = List.of(
                "{\"signal\":\"latency_p95_ms\",\"tenant\":\"TENANT_004\",\"scope\":\"READ\",\"at\":\"2025-10-06T10:36:00Z\",\"value\":431.1}",
                "{\"signal\":\"latency_p95_ms\",\"tenant\":\"T\",\"scope\":\"READ\",\"at\":\"2025-10-06T10:36:00.250Z\",\"value\":NaN}",
                "{\"signal\":\"error_budget_remaining\",\"tenant\":\"T\",\"at\":\"2025-10-06T10:36:00Z\",\"value\":0.5}",
                "{\"signal\":\"x\",\"tenant\":\"T\",\"scope\":null,\"at\":\"2025-10-06T10:36:00Z\",\"value\":\"high\"}",
                "{\"signal\":\"x\",\"tenant\":\"T\",\"scope\":{\"a\":[1,2]},\"at\":\"2025-10-06T10:36:00Z\",\"extra\":[{\"b\":1}],\"value\":-3}",
                "{\"signal\":\"x\",\"tenant\":\"T\",\"scope\":\"s\",\"at\":\"2025-10-06T12:36:00+02:00\",\"value\":1}",
                "{\"signal\":\"x\",\"tenant\":\"T\",\"scope\":\"s\",\"at\":\"yesterday\",\"value\":1}",
                "{\"signal\":7,\"tenant\":\"T\",\"at\":\"2025-10-06T10:36:00Z\",\"value\":1}",
                "{\"signal\":\"x\",\"tenant\":\"T\",\"at\":\"2025-10-06T10:36:00Z\",\"value\":1,\"signal\":\"y\"}",
                "{\"signal\":\"x\",\"signal\":false,\"tenant\":\"T\",\"at\":\"2025-10-06T10:36:00Z\",\"value\":1}",
                "{\"signal\":\"x\",\"tenant\":\"T\",\"at\":\"2025-10-06T10:36:00Z\",\"value\":1} trailing",
                "{\"signal\":\"x\",\"tenant\":\"T\",\"at\":\"2025-10-06T10:36:00Z\",\"value\":1",
                "[1,2]", "", "not json", "{}");
        for (String line : lines) {
            assertThat(SignalPoint.parse(line)).as(line).isEqualTo(byTree(line));
        }
        assertThat(SignalPoint.parse(lines.get(0))).contains(
                new SignalPoint("latency_p95_ms", "TENANT_004", "READ", Instant.parse("2025-10-06T10:36:00Z").toEpochMilli(), 431.1));
        assertThat(SignalPoint.parse(lines.get(5))).as("an offset time, by the full parse").map(SignalPoint::at)
                .contains(Instant.parse("2025-10-06T10:36:00Z").toEpochMilli());
        assertThat(SignalPoint.parse(lines.get(1)).orElseThrow().value()).isNaN();
    }

    @Test
    void readsTheStringsJacksonWritesForAnInfiniteValueAsInfinite() {
        // a canary e-value past the largest double: the engine's line says "Infinity", a string
        String line = new Signal("canary_e_worse", "T", "READ", 0, Double.POSITIVE_INFINITY).toJson();
        assertThat(line).contains("\"value\":\"Infinity\"");
        assertThat(SignalPoint.parse(line).orElseThrow().value()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(SignalPoint.parse(line.replace("\"Infinity\"", "\"-Infinity\"")).orElseThrow().value()).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(SignalPoint.parse(line.replace("\"Infinity\"", "\"high\"")).orElseThrow().value()).isNaN();
    }
}
