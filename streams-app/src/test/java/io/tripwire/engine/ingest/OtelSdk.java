package io.tripwire.engine.ingest;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.internal.marshal.Marshaler;
import io.opentelemetry.exporter.internal.otlp.metrics.MetricsRequestMarshaler;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableDoublePointData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableGaugeData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableMetricData;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.tripwire.schemas.MetricSample;
import io.tripwire.schemas.Op;
import io.tripwire.schemas.RequestLatency;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Spans and metric points made by the real OpenTelemetry Java SDK and encoded by its own OTLP
 * marshalers (what an OTLP exporter, and so the Collector, sends on): the test side of docs/ingest.md.
 */
public final class OtelSdk {

    private OtelSdk() {
    }

    /**
     * A SERVER span for one request event: a GET for READ, a POST for WRITE. Its {@code service} is
     * the resource's service.name and its {@code version} the resource's service.version (as the SDK
     * sets them, e.g. from OTEL_RESOURCE_ATTRIBUTES); its {@code cohort} the span's tripwire.cohort
     * (as a router that picks the side would set it).
     */
    public static List<SpanData> spans(List<RequestLatency> requests, Map<String, String> serviceNames) {
        List<SpanData> out = new ArrayList<>();
        Map<Resource, List<RequestLatency>> byResource = new LinkedHashMap<>();
        for (RequestLatency r : requests) {
            Resource resource = resource(serviceNames.getOrDefault(r.getService(), r.getService()), r.getVersion());
            byResource.computeIfAbsent(resource, k -> new ArrayList<>()).add(r);
        }
        byResource.forEach((resource, rs) -> {
            InMemorySpanExporter exporter = InMemorySpanExporter.create();
            try (SdkTracerProvider provider = SdkTracerProvider.builder().setResource(resource)
                    .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build()) {
                Tracer tracer = provider.get("tripwire-test");
                for (RequestLatency r : rs) {
                    long end = r.getTs().toEpochMilli() * 1_000_000L;
                    long start = end - Math.round(r.getLatencyMs() * 1_000_000L);
                    Span span = tracer.spanBuilder((r.getOp() == Op.READ ? "GET " : "POST ") + (r.getRoute() == null ? "/" : r.getRoute()))
                            .setSpanKind(SpanKind.SERVER).setStartTimestamp(start, TimeUnit.NANOSECONDS)
                            .setAttribute("tenant_id", r.getTenant())
                            .setAttribute("http.request.method", r.getOp() == Op.READ ? "GET" : "POST")
                            .setAttribute(AttributeKey.longKey("http.response.status_code"), (long) r.getStatus())
                            .startSpan();
                    if (r.getRoute() != null) {
                        span.setAttribute("http.route", r.getRoute());
                    }
                    if (r.getRegion() != null) {
                        span.setAttribute("cloud.region", r.getRegion());
                    }
                    if (r.getCohort() != null) {
                        span.setAttribute("tripwire.cohort", r.getCohort());
                    }
                    if (r.getStatus() >= 500) {
                        span.setStatus(StatusCode.ERROR);
                    }
                    span.end(end, TimeUnit.NANOSECONDS);
                }
                out.addAll(exporter.getFinishedSpanItems());
            }
        });
        return out;
    }

    /** What the SDK makes of OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES=service.version=... */
    private static Resource resource(String serviceName, String version) {
        var attrs = Attributes.builder().put("service.name", serviceName);
        if (version != null) {
            attrs.put("service.version", version);
        }
        return Resource.create(attrs.build());
    }

    /** Any span the SDK can make: for the cases a request event cannot describe (no tenant, CLIENT kind, ...). */
    public static SpanData span(SpanKind kind, Attributes attributes, long startNanos, long endNanos) {
        return span(Attributes.empty(), kind, attributes, startNanos, endNanos);
    }

    /** Any span, its resource the SDK's default with {@code resource} added (service.version, a cohort set per deployment, ...). */
    public static SpanData span(Attributes resource, SpanKind kind, Attributes attributes, long startNanos, long endNanos) {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        try (SdkTracerProvider provider = SdkTracerProvider.builder().setResource(Resource.getDefault().merge(Resource.create(resource)))
                .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build()) {
            provider.get("tripwire-test").spanBuilder("op").setSpanKind(kind).setAllAttributes(attributes)
                    .setStartTimestamp(startNanos, TimeUnit.NANOSECONDS).startSpan().end(endNanos, TimeUnit.NANOSECONDS);
            return exporter.getFinishedSpanItems().get(0); // before close: shutting down clears the exporter
        }
    }

    /** A gauge point per sample, with the tenant and the labels as point attributes. */
    public static List<MetricData> gauges(List<MetricSample> samples) {
        List<MetricData> out = new ArrayList<>();
        for (MetricSample m : samples) {
            var attrs = Attributes.builder().put("tenant_id", m.getTenant());
            m.getLabels().forEach((k, v) -> attrs.put(k, v));
            long t = m.getTs().toEpochMilli() * 1_000_000L;
            out.add(ImmutableMetricData.createDoubleGauge(Resource.getDefault(), InstrumentationScopeInfo.create("tripwire-test"),
                    m.getName(), "", "s", ImmutableGaugeData.create(List.of(ImmutableDoublePointData.create(t, t, attrs.build(), m.getValue())))));
        }
        return out;
    }

    public static byte[] tracesProto(List<SpanData> spans) {
        return binary(TraceRequestMarshaler.create(spans));
    }

    public static String tracesJson(List<SpanData> spans) {
        return json(TraceRequestMarshaler.create(spans));
    }

    public static byte[] metricsProto(List<MetricData> metrics) {
        return binary(MetricsRequestMarshaler.create(metrics));
    }

    public static String metricsJson(List<MetricData> metrics) {
        return json(MetricsRequestMarshaler.create(metrics));
    }

    private static byte[] binary(Marshaler m) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            m.writeBinaryTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static String json(Marshaler m) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            m.writeJsonTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
