package io.tripwire.engine.ingest;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.tripwire.engine.Events;
import io.tripwire.schemas.MetricSample;
import io.tripwire.schemas.Op;
import io.tripwire.schemas.PolicyDecision;
import io.tripwire.schemas.PolicyVerdict;
import io.tripwire.schemas.RequestLatency;
import io.tripwire.wire.DecodeException;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/** docs/ingest.md: what the SDK's OTLP encodings and OPA's decision-log events become. */
class IngestTest {

    private static final Ingest INGEST = new Ingest(mapping("tripwire.cohort"));

    private static final List<RequestLatency> REQUESTS = List.of(
            Events.request(Instant.parse("2025-10-06T10:00:01.250Z"), "TENANT_004", "api", "READ", 200, 212.5),
            Events.request(Instant.parse("2025-10-06T10:00:02Z"), "TENANT_004", "api", "WRITE", 503, 80),
            Events.request(Instant.parse("2025-10-06T10:00:03Z"), "TENANT_003", "ingest", "WRITE", 202, 61.3));

    private static IngestSettings mapping(String cohortAttribute) {
        return new IngestSettings("tenant_id", "tripwire.op", "tripwire.service", Map.of("ingest-gateway", "ingest"), "api",
                cohortAttribute, List.of("pg_replica_lag_seconds"), "input.tenant", "input.op_id", "input.residency_zone",
                "input.data_zone", "input.purpose", Map.of());
    }

    @Test
    void serverSpansInBothOtlpEncodingsBecomeTheRequestEvents() {
        List<SpanData> spans = OtelSdk.spans(REQUESTS, Map.of("ingest", "ingest-gateway", "api", "graphql-gateway"));
        for (byte[] value : List.of(OtelSdk.tracesProto(spans), OtelSdk.tracesJson(spans).getBytes(StandardCharsets.UTF_8))) {
            Ingest.Mapped m = INGEST.map(Ingest.Form.OTLP_TRACES, value, "otlp_spans-0@7");
            assertThat(m.refused()).isEmpty();
            assertThat(m.events()).hasSize(3);
            for (SpecificRecord e : m.events()) {
                RequestLatency r = (RequestLatency) e;
                RequestLatency want = REQUESTS.stream().filter(x -> x.getTs().equals(r.getTs())).findFirst().orElseThrow();
                assertThat(r.getTenant()).isEqualTo(want.getTenant());
                assertThat(r.getService()).isEqualTo(want.getService()); // service.name ingest-gateway -> ingest, others -> api
                assertThat(r.getOp()).isEqualTo(want.getOp());
                assertThat(r.getStatus()).isEqualTo(want.getStatus());
                assertThat(r.getLatencyMs()).isEqualTo(want.getLatencyMs());
                assertThat(r.getRequestId()).hasSize(16).matches("[0-9a-f]+"); // the span id
            }
        }
    }

    @Test
    void theSdksServiceVersionAndACohortAttributeBecomeTheCanaryLabels() {
        Instant t0 = Instant.parse("2025-10-06T10:00:00Z");
        List<RequestLatency> labelled = List.of(
                RequestLatency.newBuilder(Events.versioned(t0, "TENANT_004", "api", "READ", 200, 40, "v2")).setCohort("canary").build(),
                Events.versioned(t0.plusSeconds(1), "TENANT_004", "api", "READ", 200, 41, "v1"),
                Events.labelled(t0.plusSeconds(2), "TENANT_004", "api", "WRITE", 503, 42, "baseline"),
                Events.request(t0.plusSeconds(3), "TENANT_004", "api", "READ", 200, 43));
        // service.version on the resource (OTEL_RESOURCE_ATTRIBUTES=service.version=v2), tripwire.cohort on the span
        List<SpanData> spans = OtelSdk.spans(labelled, Map.of("api", "graphql-gateway"));
        for (byte[] value : List.of(OtelSdk.tracesProto(spans), OtelSdk.tracesJson(spans).getBytes(StandardCharsets.UTF_8))) {
            Ingest.Mapped m = INGEST.map(Ingest.Form.OTLP_TRACES, value, "otlp_spans-0@8");
            assertThat(m.refused()).isEmpty();
            assertThat(m.events()).hasSize(4).allSatisfy(e -> {
                RequestLatency r = (RequestLatency) e;
                RequestLatency want = labelled.stream().filter(x -> x.getTs().equals(r.getTs())).findFirst().orElseThrow();
                assertThat(r.getVersion()).isEqualTo(want.getVersion());
                assertThat(r.getCohort()).isEqualTo(want.getCohort());
            });
        }
    }

    @Test
    void aSpansOwnLabelComesBeforeItsResourcesAndABlankOneIsNone() {
        long t = Instant.parse("2025-10-06T10:00:00Z").toEpochMilli() * 1_000_000L;
        AttributeKey<String> version = AttributeKey.stringKey("service.version");
        AttributeKey<String> cohort = AttributeKey.stringKey("tripwire.cohort");
        Attributes request = Attributes.of(AttributeKey.stringKey("tenant_id"), "T", AttributeKey.stringKey("http.request.method"), "GET");
        Attributes canaryPods = Attributes.of(version, "v2", cohort, "canary"); // set per deployment, on the resource
        List<SpanData> spans = List.of(
                OtelSdk.span(canaryPods, SpanKind.SERVER, request, t, t + 5_000_000),
                OtelSdk.span(canaryPods, SpanKind.SERVER, request.toBuilder().put(version, "v2.1").put(cohort, "shadow").build(),
                        t + 1_000_000, t + 6_000_000),
                OtelSdk.span(SpanKind.SERVER, request.toBuilder().put(version, "").put(cohort, " ").build(), t + 2_000_000, t + 7_000_000),
                OtelSdk.span(SpanKind.SERVER, request, t + 3_000_000, t + 8_000_000));

        Ingest.Mapped m = INGEST.map(Ingest.Form.OTLP_TRACES, OtelSdk.tracesProto(spans), "otlp_spans-2@1");
        assertThat(m.refused()).isEmpty();
        // in the order of their end times (the marshaler groups spans by resource)
        assertThat(m.events().stream().map(e -> (RequestLatency) e).sorted(Comparator.comparing(RequestLatency::getTs)).toList())
                .extracting(RequestLatency::getVersion, RequestLatency::getCohort)
                .containsExactly(tuple("v2", "canary"), tuple("v2.1", "shadow"), tuple(null, null), tuple(null, null)); // "shadow" as it is

        // another attribute for the cohort, or none: service.version is read either way
        Attributes routed = request.toBuilder().put(version, "v2").put("deployment.cohort", "canary").put(cohort, "baseline").build();
        byte[] value = OtelSdk.tracesProto(List.of(OtelSdk.span(SpanKind.SERVER, routed, t, t + 5_000_000)));
        assertThat(new Ingest(mapping("deployment.cohort")).map(Ingest.Form.OTLP_TRACES, value, "otlp_spans-2@2").events())
                .singleElement().extracting(e -> ((RequestLatency) e).getCohort(), e -> ((RequestLatency) e).getVersion())
                .containsExactly("canary", "v2");
        assertThat(new Ingest(mapping("")).map(Ingest.Form.OTLP_TRACES, value, "otlp_spans-2@3").events())
                .singleElement().extracting(e -> ((RequestLatency) e).getCohort(), e -> ((RequestLatency) e).getVersion())
                .containsExactly(null, "v2");
    }

    @Test
    void otherKindsAreSkippedAndASpanWithoutATenantIsRefusedByName() {
        long t = Instant.parse("2025-10-06T10:00:00Z").toEpochMilli() * 1_000_000L;
        SpanData client = OtelSdk.span(SpanKind.CLIENT, Attributes.of(AttributeKey.stringKey("tenant_id"), "T"), t, t + 5_000_000);
        SpanData noTenant = OtelSdk.span(SpanKind.SERVER, Attributes.of(AttributeKey.stringKey("http.request.method"), "GET"), t, t + 5_000_000);
        SpanData graphql = OtelSdk.span(SpanKind.SERVER, Attributes.of(AttributeKey.stringKey("tenant_id"), "T",
                AttributeKey.stringKey("graphql.operation.type"), "mutation"), t, t + 7_000_000);
        Ingest.Mapped m = INGEST.map(Ingest.Form.OTLP_TRACES, OtelSdk.tracesProto(List.of(client, noTenant, graphql)), "otlp_spans-1@3");
        assertThat(m.skipped()).isEqualTo(1);
        assertThat(m.events()).singleElement().satisfies(e -> {
            RequestLatency r = (RequestLatency) e;
            assertThat(r.getOp()).isEqualTo(Op.WRITE);
            assertThat(r.getStatus()).isEqualTo(200); // no status code, span status unset
            assertThat(r.getLatencyMs()).isEqualTo(7.0);
        });
        assertThat(m.refused()).singleElement().satisfies(e -> {
            assertThat(e.reason()).isEqualTo("missing-field");
            assertThat(e.getMessage()).startsWith("otlp_spans-1@3: span " + noTenant.getSpanId())
                    .contains("no tenant_id attribute on the span or its resource");
        });
    }

    @Test
    void bytesThatAreNotAnExportRequestAreBadOtlp() {
        assertThatThrownBy(() -> INGEST.map(Ingest.Form.OTLP_TRACES, new byte[] {(byte) 0xff, 0x01, 0x02}, "otlp_spans-0@9"))
                .isInstanceOf(DecodeException.class).hasMessageStartingWith("otlp_spans-0@9: not an OTLP traces export request")
                .satisfies(e -> assertThat(((DecodeException) e).reason()).isEqualTo("bad-otlp"));
        assertThatThrownBy(() -> INGEST.map(Ingest.Form.OTLP_TRACES, "{\"resourceSpans\": 7}".getBytes(StandardCharsets.UTF_8), "line 3"))
                .hasMessageContaining("no resourceSpans array");
        assertThatThrownBy(() -> INGEST.map(Ingest.Form.OTLP_METRICS, "{\"resourceMetrics\": [".getBytes(StandardCharsets.UTF_8), "line 4"))
                .hasMessageStartingWith("line 4: not valid OTLP JSON");
    }

    @Test
    void gaugePointsOfTheConfiguredMetricsBecomeMetricEvents() {
        MetricSample lag = Events.metric(Instant.parse("2025-10-06T10:30:00Z"), "TENANT_004", "pg_replica_lag_seconds", 72.5,
                Map.of("replica", "db-2"));
        MetricSample other = Events.metric(Instant.parse("2025-10-06T10:30:00Z"), "TENANT_004", "process_cpu_seconds", 3, Map.of());
        var data = OtelSdk.gauges(List.of(lag, other));
        for (byte[] value : List.of(OtelSdk.metricsProto(data), OtelSdk.metricsJson(data).getBytes(StandardCharsets.UTF_8))) {
            Ingest.Mapped m = INGEST.map(Ingest.Form.OTLP_METRICS, value, "otlp_metrics-0@1");
            assertThat(m.skipped()).isEqualTo(1);
            assertThat(m.events()).singleElement().isEqualTo(lag);
        }
    }

    /** A decision-log event as OPA documents it (docs/management-decision-logs), with our input fields. */
    static String opaEvent(String decisionId, String path, String result, String input, String timestamp) {
        return "{\"labels\":{\"app\":\"ingest-api\",\"id\":\"1780d507-aea2-45cc-ae50-fa153c8e4a5a\",\"version\":\"v1.4.0\"},"
                + "\"decision_id\":\"" + decisionId + "\",\"path\":\"" + path + "\",\"input\":" + input + ","
                + (result == null ? "" : "\"result\":" + result + ",") + "\"requested_by\":\"[::1]:59943\",\"timestamp\":\"" + timestamp + "\"}";
    }

    @Test
    void opaDecisionLogEventsBecomePolicyEvents() {
        String input = "{\"tenant\":\"TENANT_005\",\"op_id\":\"ing-9\",\"residency_zone\":\"eu\",\"data_zone\":\"us\",\"purpose\":\"investigation\"}";
        PolicyDecision deny = (PolicyDecision) INGEST.map(Ingest.Form.OPA_DECISION,
                opaEvent("4ca636c1", "residency/allow", "{\"allow\":false,\"reason\":\"eu data to us\"}", input, "2025-10-06T10:15:00.123456Z"),
                "line 1").events().get(0);
        assertThat(deny).isEqualTo(Events.policy(Instant.parse("2025-10-06T10:15:00.123Z"), "TENANT_005", "ing-9", "DENY", "residency"));
        PolicyDecision allow = (PolicyDecision) INGEST.map(Ingest.Form.OPA_DECISION,
                opaEvent("9e1f", "/purpose/check", "true", "{\"tenant\":\"T\"}", "2025-10-06T10:16:00Z"), "line 2").events().get(0);
        assertThat(allow.getDecision()).isEqualTo(PolicyVerdict.ALLOW);
        assertThat(allow.getPolicy()).isEqualTo("purpose");
        assertThat(allow.getOpId()).isEqualTo("9e1f"); // no input.op_id: the decision id
        assertThat(INGEST.map(Ingest.Form.OPA_DECISION, opaEvent("d-1", "purpose/check", "false", "{\"tenant\":\"T\"}",
                "2025-10-06T10:16:00Z"), "line 3").events()).extracting(e -> ((PolicyDecision) e).getDecision()).containsExactly(PolicyVerdict.DENY);

        Ingest.Mapped noResult = INGEST.map(Ingest.Form.OPA_DECISION, opaEvent("d-2", "residency/allow", null, input,
                "2025-10-06T10:17:00Z"), "opa-decision-logs-0@4");
        assertThat(noResult.events()).isEmpty();
        assertThat(noResult.refused()).singleElement().satisfies(e -> {
            assertThat(e.reason()).isEqualTo("missing-field");
            assertThat(e.getMessage()).startsWith("opa-decision-logs-0@4: decision d-2: no result");
        });
        assertThat(Ingest.formOfLine(opaEvent("d-3", "a/b", "true", "{\"tenant\":\"T\"}", "2025-10-06T10:17:00Z")))
                .isEqualTo(Ingest.Form.OPA_DECISION);
        assertThat(Ingest.formOfLine("{\"type\":\"policy\",\"decision_id\":\"x\"}")).isNull();
        assertThat(Ingest.formOfLine("  {\"resourceSpans\":[]}")).isEqualTo(Ingest.Form.OTLP_TRACES);
    }
}
