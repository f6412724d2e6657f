package io.tripwire.json;

import io.tripwire.schemas.ActionType;
import io.tripwire.schemas.TripwireAction;
import io.tripwire.wire.AvroTrust;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON form of an action record (SPEC section 4), as a map in field order. The same map,
 * written by {@link CanonicalJson} without {@code signature}, is what the Ed25519 signature covers.
 */
public final class ActionJson {

    static {
        // copying a generated record (newBuilder(other)) makes Avro check class trust: see AvroTrust
        AvroTrust.ensure();
    }

    private ActionJson() {
    }

    /**
     * The record as an ordered map; {@code firedAt} as ISO-8601 text, at millisecond precision
     * because that is all the Avro field ({@code timestamp-millis}) keeps: a signature over finer
     * text would not verify after the record went through Avro.
     */
    public static Map<String, Object> toMap(TripwireAction a, boolean withSignature) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("actionId", a.getActionId());
        m.put("decisionId", a.getDecisionId());
        m.put("tripwire", a.getTripwire());
        m.put("tenant", a.getTenant());
        m.put("scope", a.getScope());
        m.put("action", a.getAction().name());
        m.put("firedAt", a.getFiredAt().truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString());
        m.put("params", new LinkedHashMap<>(a.getParams()));
        m.put("reason", a.getReason());
        m.put("evidence", new LinkedHashMap<>(a.getEvidence()));
        m.put("evidenceId", a.getEvidenceId());
        if (withSignature && a.getSignature() != null) {
            m.put("signature", a.getSignature());
        }
        return m;
    }

    /** The canonical text the signature covers: the record without {@code signature}. */
    public static String signedText(TripwireAction a) {
        return CanonicalJson.write(toMap(a, false));
    }

    /**
     * The record from its JSON map (as parsed by Jackson into maps, strings and numbers).
     * An unknown action name becomes {@link ActionType#UNKNOWN}, which no executor runs.
     *
     * @throws IllegalArgumentException naming the field that is missing or of the wrong type
     */
    @SuppressWarnings("unchecked")
    public static TripwireAction fromMap(Map<String, Object> m) {
        TripwireAction.Builder b = TripwireAction.newBuilder()
                .setActionId(text(m, "actionId"))
                .setDecisionId(text(m, "decisionId"))
                .setTripwire(text(m, "tripwire"))
                .setTenant(text(m, "tenant"))
                .setScope(text(m, "scope"))
                .setAction(actionType(text(m, "action")))
                .setFiredAt(instant(m, "firedAt"))
                .setReason(text(m, "reason"))
                .setEvidenceId(text(m, "evidenceId"));
        Object params = m.getOrDefault("params", Map.of());
        if (!(params instanceof Map<?, ?> pm)) {
            throw new IllegalArgumentException("field 'params' must be an object");
        }
        Map<String, String> p = new LinkedHashMap<>();
        pm.forEach((k, v) -> p.put(String.valueOf(k), String.valueOf(v)));
        b.setParams(p);
        Object evidence = m.getOrDefault("evidence", Map.of());
        if (!(evidence instanceof Map<?, ?> em)) {
            throw new IllegalArgumentException("field 'evidence' must be an object");
        }
        Map<String, Object> e = new LinkedHashMap<>();
        ((Map<String, Object>) em).forEach((k, v) -> e.put(k, evidenceValue(k, v)));
        b.setEvidence(e);
        Object sig = m.get("signature");
        b.setSignature(sig == null ? null : sig.toString());
        return b.build();
    }

    /** Maps an action name to its type; unknown names give {@link ActionType#UNKNOWN}. */
    public static ActionType actionType(String name) {
        try {
            return ActionType.valueOf(name);
        } catch (IllegalArgumentException e) {
            return ActionType.UNKNOWN;
        }
    }

    private static Object evidenceValue(String key, Object v) {
        if (v == null || v instanceof Boolean || v instanceof String) {
            return v;
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short) {
            return ((Number) v).longValue();
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw new IllegalArgumentException("field 'evidence." + key + "' must be a string, number, boolean or null");
    }

    private static String text(Map<String, Object> m, String field) {
        Object v = m.get(field);
        if (v == null) {
            throw new IllegalArgumentException("missing required field '" + field + "'");
        }
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException("field '" + field + "' must be a string");
        }
        return s;
    }

    private static Instant instant(Map<String, Object> m, String field) {
        Object v = m.get(field);
        if (v instanceof Number n) {
            return Instant.ofEpochMilli(n.longValue());
        }
        try {
            return Instant.parse(text(m, field));
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("field '" + field + "' is not an ISO-8601 instant: " + v);
        }
    }
}
