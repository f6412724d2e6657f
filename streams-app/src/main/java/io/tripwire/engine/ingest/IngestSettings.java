package io.tripwire.engine.ingest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How records written by other tools become engine events (docs/ingest.md): which OpenTelemetry
 * span and metric attributes and which OPA decision-log fields carry what. Every name can be set in
 * {@code engine.yaml} ({@code otlp:}, {@code opa:}); the defaults follow OpenTelemetry's semantic
 * conventions and OPA's decision-log event.
 *
 * @param tenantAttribute   span (then resource) attribute naming the tenant
 * @param opAttribute       span attribute holding READ or WRITE, checked first
 * @param serviceAttribute  span attribute holding the tripwire service, checked first
 * @param services          resource {@code service.name} -> tripwire service; names not listed map to {@code defaultService}
 * @param defaultService    service of a span with neither
 * @param cohortAttribute   span (then resource) attribute holding the request's canary cohort; empty: none is read
 * @param metrics           metric names whose gauge and sum points become metric events
 * @param tenantPath        decision-log path of the tenant
 * @param opIdPath          path of the op id ({@code decision_id} when absent)
 * @param residencyZonePath path of the residency zone
 * @param dataZonePath      path of the data zone
 * @param purposePath       path of the purpose
 * @param policies          first segment of the decision's {@code path} -> policy family (unlisted: the segment itself)
 */
public record IngestSettings(String tenantAttribute, String opAttribute, String serviceAttribute, Map<String, String> services,
                             String defaultService, String cohortAttribute, List<String> metrics, String tenantPath, String opIdPath,
                             String residencyZonePath, String dataZonePath, String purposePath, Map<String, String> policies) {

    public static final IngestSettings DEFAULTS = new IngestSettings("tenant_id", "tripwire.op", "tripwire.service", Map.of(), "api",
            "tripwire.cohort", List.of("pg_replica_lag_seconds", "cache_hit_ratio", "cost_budget_used_ratio"), "input.tenant", "input.op_id", "input.residency_zone",
            "input.data_zone", "input.purpose", Map.of());

    public IngestSettings {
        services = Map.copyOf(services);
        cohortAttribute = cohortAttribute == null ? "" : cohortAttribute; // "" is the one way to say none, for SpanMapping's check
        metrics = List.copyOf(metrics);
        policies = Map.copyOf(policies);
    }

    /**
     * Reads a {@code name=value,name=value} list (the form of {@code otlp.services} and
     * {@code opa.policies}, so one environment variable can set it).
     *
     * @throws IllegalArgumentException naming the entry that is not {@code name=value}
     */
    public static Map<String, String> pairs(String key, String text) {
        Map<String, String> out = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        for (String entry : text.split(",")) {
            int eq = entry.indexOf('=');
            if (eq <= 0 || eq == entry.length() - 1) {
                throw new IllegalArgumentException(key + ": '" + entry.trim() + "' is not name=value (e.g. ingest-gateway=ingest,search=api)");
            }
            out.put(entry.substring(0, eq).trim(), entry.substring(eq + 1).trim());
        }
        return out;
    }
}
