package io.tripwire.cli;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.MetricsData;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.opentelemetry.proto.trace.v1.TracesData;
import io.tripwire.schemas.MetricSample;
import io.tripwire.schemas.Op;
import io.tripwire.schemas.PolicyDecision;
import io.tripwire.schemas.PolicyVerdict;
import io.tripwire.schemas.RequestLatency;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Events of the JSON form as the tools write them to Kafka (docs/ingest.md): requests as SERVER
 * spans in one OTLP traces export request, as the Collector's kafka exporter writes it
 * ({@code otlp_proto}); metric samples as OTLP gauge points; policy decisions as OPA decision-log events.
 */
final class ToolRecords {

    private static final AtomicLong IDS = new AtomicLong(1);

    private ToolRecords() {
    }

    private static KeyValue attr(String key, String value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
    }

    private static KeyValue attr(String key, long value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setIntValue(value)).build();
    }

    private static ByteString id(int bytes) {
        return ByteString.copyFrom(ByteBuffer.allocate(bytes).putLong(bytes - 8, IDS.getAndIncrement()).array());
    }

    /** One traces export request of a gateway (service.name graphql-gateway, mapped to the default service api). */
    static byte[] traces(List<RequestLatency> requests) {
        ScopeSpans.Builder scope = ScopeSpans.newBuilder();
        for (RequestLatency r : requests) {
            if (!r.getService().equals("api")) {
                throw new IllegalArgumentException("only api requests: the gateway's service.name maps to the default service");
            }
            long end = r.getTs().toEpochMilli() * 1_000_000L;
            scope.addSpans(Span.newBuilder().setTraceId(id(16)).setSpanId(id(8)).setName(r.getOp() == Op.READ ? "GET /graphql" : "POST /graphql")
                    .setKind(Span.SpanKind.SPAN_KIND_SERVER).setStartTimeUnixNano(end - Math.round(r.getLatencyMs() * 1_000_000L))
                    .setEndTimeUnixNano(end).addAttributes(attr("tenant_id", r.getTenant()))
                    .addAttributes(attr("http.request.method", r.getOp() == Op.READ ? "GET" : "POST"))
                    .addAttributes(attr("http.response.status_code", r.getStatus()))
                    .setStatus(Status.newBuilder().setCode(r.getStatus() >= 500 ? Status.StatusCode.STATUS_CODE_ERROR
                            : Status.StatusCode.STATUS_CODE_UNSET)));
        }
        return TracesData.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(attr("service.name", "graphql-gateway"))).addScopeSpans(scope))
                .build().toByteArray();
    }

    /** One metrics export request with a gauge point for the sample, its tenant and labels as point attributes. */
    static byte[] gauge(MetricSample m) {
        NumberDataPoint.Builder point = NumberDataPoint.newBuilder().setTimeUnixNano(m.getTs().toEpochMilli() * 1_000_000L)
                .setAsDouble(m.getValue()).addAttributes(attr("tenant_id", m.getTenant()));
        m.getLabels().forEach((k, v) -> point.addAttributes(attr(k, v)));
        return MetricsData.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder().addScopeMetrics(ScopeMetrics.newBuilder()
                .addMetrics(Metric.newBuilder().setName(m.getName()).setUnit("s").setGauge(Gauge.newBuilder().addDataPoints(point)))))
                .build().toByteArray();
    }

    /** The OPA decision-log event of a policy decision (DENY: {@code result.allow} false). */
    static byte[] opa(PolicyDecision p) {
        return ("{\"decision_id\":\"dec-" + p.getOpId() + "\",\"path\":\"" + p.getPolicy() + "/allow\",\"input\":{\"tenant\":\""
                + p.getTenant() + "\",\"op_id\":\"" + p.getOpId() + "\",\"residency_zone\":\"" + p.getResidencyZone() + "\",\"data_zone\":\""
                + p.getDataZone() + "\"},\"result\":{\"allow\":" + (p.getDecision() == PolicyVerdict.ALLOW) + "},\"timestamp\":\""
                + p.getTs() + "\"}").getBytes(StandardCharsets.UTF_8);
    }
}
