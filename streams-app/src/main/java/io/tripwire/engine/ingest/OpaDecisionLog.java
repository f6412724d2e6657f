package io.tripwire.engine.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tripwire.schemas.PolicyDecision;
import io.tripwire.schemas.PolicyVerdict;
import io.tripwire.wire.DecodeException;
import io.tripwire.wire.DecodeException.Reason;
import io.tripwire.wire.EventValidation;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * One OPA decision-log event ({@code decision_id}, {@code path}, {@code input}, {@code result},
 * {@code timestamp}, {@code labels}, ...) as a policy event: tenant, op id and zones from input
 * paths (defaults {@code input.tenant}, {@code input.op_id} else {@code decision_id},
 * {@code input.residency_zone}, {@code input.data_zone}, {@code input.purpose}); the policy family
 * from the first segment of {@code path} (mapped by {@code opa.policies}); DENY when {@code result}
 * is {@code false} or {@code result.allow} is {@code false}, ALLOW otherwise.
 */
public final class OpaDecisionLog {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final IngestSettings s;

    public OpaDecisionLog(IngestSettings settings) {
        this.s = settings;
    }

    /** Whether a JSON object (a file line, a topic value) is an OPA decision-log event. */
    public static boolean isDecisionLog(JsonNode node) {
        return node.isObject() && node.has("decision_id") && !node.has("type");
    }

    public static JsonNode parse(byte[] value, String where) {
        try {
            JsonNode n = JSON.readTree(value);
            if (n == null || !n.isObject()) {
                throw new DecodeException(Reason.BAD_JSON, null, where + ": an OPA decision-log event must be a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new DecodeException(Reason.BAD_JSON, null, where + ": not valid JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }

    public PolicyDecision map(JsonNode event, String where) {
        String id = event.path("decision_id").asText("");
        String at = where + ": decision " + (id.isEmpty() ? "(no decision_id)" : id);
        String tenant = text(event, s.tenantPath());
        if (tenant == null || tenant.isBlank()) {
            throw new DecodeException(Reason.MISSING_FIELD, s.tenantPath(), at + ": no " + s.tenantPath() + ", so no tenant to count it for");
        }
        JsonNode result = event.get("result");
        if (result == null || result.isNull()) {
            throw new DecodeException(Reason.MISSING_FIELD, "result", at + ": no result (OPA logs none when the query was "
                    + "undefined or failed), so no way to tell ALLOW from DENY");
        }
        boolean deny = result.isBoolean() && !result.asBoolean()
                || result.isObject() && result.path("allow").isBoolean() && !result.path("allow").asBoolean();
        String path = event.path("path").asText("");
        String segment = path.replaceFirst("^/+", "").split("[/.]", 2)[0];
        if (segment.isBlank()) {
            throw new DecodeException(Reason.MISSING_FIELD, "path", at + ": no path, so no policy family");
        }
        String opId = text(event, s.opIdPath());
        Instant ts;
        try {
            ts = Instant.parse(event.path("timestamp").asText(""));
        } catch (DateTimeParseException e) {
            throw new DecodeException(Reason.BAD_TIMESTAMP, "timestamp", at + ": timestamp '" + event.path("timestamp").asText("")
                    + "' is not RFC 3339 UTC");
        }
        PolicyDecision p = PolicyDecision.newBuilder().setTs(Instant.ofEpochMilli(ts.toEpochMilli())).setTenant(tenant)
                .setOpId(opId != null && !opId.isBlank() ? opId : id).setDecision(deny ? PolicyVerdict.DENY : PolicyVerdict.ALLOW)
                .setPolicy(s.policies().getOrDefault(segment, segment))
                .setResidencyZone(text(event, s.residencyZonePath())).setDataZone(text(event, s.dataZonePath()))
                .setPurpose(text(event, s.purposePath())).build();
        try {
            return EventValidation.validate(p);
        } catch (DecodeException e) {
            throw new DecodeException(e.kind(), e.field(), at + ": " + e.getMessage(), e);
        }
    }

    /** The scalar at a dotted path ({@code input.tenant}), or null. */
    private static String text(JsonNode event, String path) {
        JsonNode n = event;
        for (String part : path.split("\\.")) {
            n = n == null ? null : n.get(part);
        }
        return n == null || n.isNull() || n.isContainerNode() ? null : n.asText();
    }
}
