package io.tripwire.engine.ingest;

import io.tripwire.schemas.Op;
import io.tripwire.schemas.RequestLatency;
import io.tripwire.wire.DecodeException;
import io.tripwire.wire.DecodeException.Reason;
import io.tripwire.wire.EventValidation;

import java.time.Instant;
import java.util.Locale;

/**
 * A SERVER span as a request event (docs/ingest.md has the table): tenant from the span, then the
 * resource; ts the end time; latency end − start; status from {@code http.response.status_code}
 * (legacy {@code http.status_code}), else 500 for a span with status ERROR and 200 otherwise; op
 * from {@code tripwire.op}, {@code graphql.operation.type} or the HTTP method; service from
 * {@code tripwire.service} or the resource's {@code service.name}; region {@code cloud.region};
 * route {@code http.route}; requestId the span id; version {@code service.version} and cohort
 * {@code tripwire.cohort} (span, then resource; blank or absent: none). Other span kinds are not requests.
 */
public final class SpanMapping {

    private final IngestSettings s;

    public SpanMapping(IngestSettings settings) {
        this.s = settings;
    }

    /** Whether the span is one the engine reads (SERVER); the others are counted as skipped. */
    public static boolean isRequest(OtlpSpan span) {
        return span.kind() == OtlpSpan.KIND_SERVER;
    }

    /** The request event of a SERVER span, or a {@link DecodeException} naming what is missing. */
    public RequestLatency map(OtlpSpan span, String where) {
        String at = where + ": span " + span.spanId() + " (" + span.name() + ")";
        String tenant = text(first(span, s.tenantAttribute()));
        if (tenant == null || tenant.isBlank()) {
            throw new DecodeException(Reason.MISSING_FIELD, s.tenantAttribute(), at + ": no " + s.tenantAttribute()
                    + " attribute on the span or its resource, so no tenant to count it for");
        }
        if (span.endNanos() <= 0 || span.endNanos() < span.startNanos()) {
            throw new DecodeException(Reason.INVALID_VALUE, "endTimeUnixNano", at + ": end time " + span.endNanos()
                    + " ns is not after the start time " + span.startNanos() + " ns");
        }
        RequestLatency r = RequestLatency.newBuilder()
                .setTs(Instant.ofEpochMilli(Math.floorDiv(span.endNanos(), 1_000_000L)))
                .setTenant(tenant)
                .setService(service(span))
                .setOp(op(span, at))
                .setStatus(status(span, at))
                .setLatencyMs((span.endNanos() - span.startNanos()) / 1e6)
                .setRegion(text(first(span, "cloud.region")))
                .setRoute(text(span.attributes().get("http.route")))
                .setRequestId(span.spanId().isEmpty() ? null : span.spanId())
                .setCohort(s.cohortAttribute().isEmpty() ? null : label(first(span, s.cohortAttribute())))
                .setVersion(label(first(span, "service.version")))
                .build();
        try {
            return EventValidation.validate(r);
        } catch (DecodeException e) {
            throw new DecodeException(e.kind(), e.field(), at + ": " + e.getMessage(), e);
        }
    }

    private String service(OtlpSpan span) {
        String own = text(span.attributes().get(s.serviceAttribute()));
        if (own != null && !own.isBlank()) {
            return own;
        }
        String name = text(span.resource().get("service.name"));
        return name == null ? s.defaultService() : s.services().getOrDefault(name, s.defaultService());
    }

    private Op op(OtlpSpan span, String at) {
        String own = text(span.attributes().get(s.opAttribute()));
        if (own != null) {
            try {
                return Op.valueOf(own.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new DecodeException(Reason.UNKNOWN_ENUM, s.opAttribute(), at + ": " + s.opAttribute() + " '" + own
                        + "' is neither READ nor WRITE");
            }
        }
        String graphql = text(span.attributes().get("graphql.operation.type"));
        if (graphql != null) {
            return graphql.equalsIgnoreCase("mutation") ? Op.WRITE : Op.READ;
        }
        String method = text(span.attributes().getOrDefault("http.request.method", span.attributes().get("http.method")));
        if (method == null) {
            throw new DecodeException(Reason.MISSING_FIELD, "http.request.method", at + ": no " + s.opAttribute()
                    + ", graphql.operation.type or http.request.method attribute, so no way to tell READ from WRITE");
        }
        return switch (method.toUpperCase(Locale.ROOT)) {
            case "GET", "HEAD", "OPTIONS" -> Op.READ;
            default -> Op.WRITE;
        };
    }

    private static int status(OtlpSpan span, String at) {
        Object v = span.attributes().getOrDefault("http.response.status_code", span.attributes().get("http.status_code"));
        if (v == null) {
            return span.statusCode() == OtlpSpan.STATUS_ERROR ? 500 : 200;
        }
        try {
            return v instanceof Number n ? Math.toIntExact(n.longValue()) : Integer.parseInt(v.toString().trim());
        } catch (ArithmeticException | NumberFormatException e) {
            throw new DecodeException(Reason.WRONG_TYPE, "http.response.status_code", at + ": status code '" + v + "' is not a number");
        }
    }

    private Object first(OtlpSpan span, String attribute) {
        Object v = span.attributes().get(attribute);
        return v != null ? v : span.resource().get(attribute);
    }

    /**
     * A canary label as the span carries it, or null when blank: a blank cohort would otherwise
     * stand for the request (any cohort outranks its version) and keep it out of the canary
     * judgement, and a blank version would count it as baseline.
     */
    private static String label(Object v) {
        String t = text(v);
        return t == null || t.isBlank() ? null : t;
    }

    private static String text(Object v) {
        return v == null ? null : v.toString();
    }
}
