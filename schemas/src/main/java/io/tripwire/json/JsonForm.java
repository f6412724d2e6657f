package io.tripwire.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tripwire.schemas.ActionResult;
import io.tripwire.schemas.AutonomyDecision;
import io.tripwire.schemas.AutonomyMode;
import io.tripwire.schemas.AutonomyOutcome;
import io.tripwire.schemas.HumanOverride;
import io.tripwire.schemas.MetricSample;
import io.tripwire.schemas.Op;
import io.tripwire.schemas.PolicyDecision;
import io.tripwire.schemas.PolicyVerdict;
import io.tripwire.schemas.RequestLatency;
import io.tripwire.schemas.ResultStatus;
import io.tripwire.schemas.RolloutStep;
import io.tripwire.schemas.TripwireAction;
import io.tripwire.wire.AvroTrust;
import io.tripwire.wire.DecodeException;
import io.tripwire.wire.DecodeException.Reason;
import io.tripwire.wire.EventValidation;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JSON-lines form of SPEC section 2, both directions. One object a line; {@code type} names
 * the kind of an input record:
 * <pre>
 * {"type":"request","ts":"2025-10-06T10:00:00.123Z","tenant":"TENANT_004","service":"api","op":"READ","status":200,"latencyMs":212.5}
 * </pre>
 * <table>
 *   <caption>types</caption>
 *   <tr><th>type</th><th>record</th></tr>
 *   <tr><td>request</td><td>{@link RequestLatency}</td></tr>
 *   <tr><td>metric</td><td>{@link MetricSample}</td></tr>
 *   <tr><td>autonomy</td><td>{@link AutonomyDecision}</td></tr>
 *   <tr><td>policy</td><td>{@link PolicyDecision}</td></tr>
 *   <tr><td>rollout</td><td>{@link RolloutStep}</td></tr>
 *   <tr><td>override</td><td>{@link HumanOverride}</td></tr>
 *   <tr><td>action</td><td>{@link TripwireAction} (SPEC section 4; written without {@code type})</td></tr>
 *   <tr><td>result</td><td>{@link ActionResult} (written without {@code type})</td></tr>
 * </table>
 * A line without {@code type} that has {@code actionId} is an action when it has
 * {@code decisionId}, else a result.
 *
 * <p>Reading: {@code ts} is ISO-8601 UTC or epoch milliseconds (a number, or digits in a string);
 * unknown fields are ignored; optional fields may be absent or null and take the defaults of the
 * Avro schema; {@code status}, {@code stepPercent} and {@code previousPercent} must be integral.
 * Input records are then checked by {@link EventValidation}. Every error is a
 * {@link JsonFormException} naming line and field. Writing: one line, {@code type} first for inputs,
 * instants as {@link Instant#toString()}, null optional fields left out; actions exactly as
 * {@link ActionJson#toMap} with the signature.
 */
public final class JsonForm {

    static {
        // copying a generated record (newBuilder(other)) makes Avro check class trust: see AvroTrust
        AvroTrust.ensure();
    }

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS) // so NaN reaches validation and is named there
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    /** Reads trees without resolving the target type on every call (ObjectMapper.readTree does). */
    private static final ObjectReader TREE = JSON.readerFor(JsonNode.class);
    private static final Map<String, Class<? extends SpecificRecord>> BY_TYPE = new LinkedHashMap<>();
    private static final Pattern QUOTED_FIELD = Pattern.compile("'([^']+)'");

    static {
        BY_TYPE.put("request", RequestLatency.class);
        BY_TYPE.put("metric", MetricSample.class);
        BY_TYPE.put("autonomy", AutonomyDecision.class);
        BY_TYPE.put("policy", PolicyDecision.class);
        BY_TYPE.put("rollout", RolloutStep.class);
        BY_TYPE.put("override", HumanOverride.class);
        BY_TYPE.put("action", TripwireAction.class);
        BY_TYPE.put("result", ActionResult.class);
    }

    private JsonForm() {
    }

    /**
     * The {@code type} name of a record class, e.g. {@code request} for {@link RequestLatency}.
     *
     * @throws IllegalArgumentException for a class that has no JSON form
     */
    public static String typeOf(Class<?> recordClass) {
        for (Map.Entry<String, Class<? extends SpecificRecord>> e : BY_TYPE.entrySet()) {
            if (e.getValue().equals(recordClass)) {
                return e.getKey();
            }
        }
        throw new IllegalArgumentException(recordClass.getName() + " has no JSON-lines form");
    }

    /**
     * Reads one line of a JSON-lines file, choosing the record by {@code type} (or, for output
     * lines, by the presence of {@code actionId}).
     *
     * @param lineNumber 1-based line number, used in error messages (0: not from a file)
     * @throws JsonFormException naming the line and field
     */
    public static SpecificRecord parseLine(String line, long lineNumber) {
        ObjectNode node = object(line, lineNumber);
        JsonNode type = node.get("type");
        Class<? extends SpecificRecord> kind;
        if (type != null && !type.isNull()) {
            if (!type.isTextual()) {
                throw new JsonFormException(Reason.WRONG_TYPE, "type", lineNumber, "expected a string, got " + type);
            }
            kind = BY_TYPE.get(type.asText());
            if (kind == null) {
                throw new JsonFormException(Reason.UNKNOWN_ENUM, "type", lineNumber, "unknown type " + type
                        + ", expected one of " + String.join(", ", BY_TYPE.keySet()));
            }
        } else if (node.hasNonNull("actionId")) {
            kind = node.hasNonNull("decisionId") ? TripwireAction.class : ActionResult.class;
        } else {
            throw new JsonFormException(Reason.MISSING_FIELD, "type", lineNumber,
                    "missing (required): one of " + String.join(", ", BY_TYPE.keySet()));
        }
        return read(node, kind, lineNumber);
    }

    /**
     * Reads a topic value in JSON form as {@code expected}. {@code type} may be absent; when present
     * it must name {@code expected}'s kind, else reason {@code wrong-type-for-topic}.
     *
     * @throws JsonFormException naming the field
     */
    public static <T extends SpecificRecord> T parse(String json, Class<T> expected) {
        ObjectNode node = object(json, 0);
        String want = typeOf(expected);
        JsonNode type = node.get("type");
        if (type != null && !type.isNull() && !want.equals(type.asText())) {
            throw new JsonFormException(Reason.WRONG_TYPE_FOR_TOPIC, "type", 0,
                    "this topic carries '" + want + "' records, got type " + type);
        }
        return expected.cast(read(node, expected, 0));
    }

    /** One line of JSON (no line break) for {@code record}; see the class comment. */
    public static String write(SpecificRecord record) {
        Map<String, Object> m;
        if (record instanceof TripwireAction a) {
            m = ActionJson.toMap(a, true);
        } else {
            m = map(record);
        }
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + record.getSchema().getName() + " as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * The JSON form of an input or result record as a map, in field order: {@code type} first (not
     * for results), then every non-null field, instants as ISO-8601, enums by name.
     */
    public static Map<String, Object> map(SpecificRecord record) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (!(record instanceof ActionResult)) {
            m.put("type", typeOf(record.getClass()));
        }
        for (Schema.Field f : record.getSchema().getFields()) {
            Object v = plain(record.get(f.pos()));
            if (v != null) {
                m.put(f.name(), v);
            }
        }
        return m;
    }

    private static Object plain(Object v) {
        if (v instanceof Instant || v instanceof Enum<?> || v instanceof CharSequence) {
            return v.toString();
        }
        if (v instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, x) -> out.put(k.toString(), plain(x)));
            return out;
        }
        return v;
    }

    private static ObjectNode object(String text, long line) {
        if (text == null || text.isBlank()) {
            throw new JsonFormException(Reason.BAD_JSON, null, line, "empty, expected a JSON object");
        }
        JsonNode node;
        try {
            node = TREE.readValue(text);
        } catch (JsonProcessingException e) {
            throw new JsonFormException(Reason.BAD_JSON, null, line, "not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (!(node instanceof ObjectNode o)) {
            throw new JsonFormException(Reason.BAD_JSON, null, line, "expected a JSON object, got " + node.getNodeType());
        }
        return o;
    }

    private static SpecificRecord read(ObjectNode node, Class<? extends SpecificRecord> kind, long line) {
        JsonFields f = new JsonFields(node, line);
        SpecificRecord record;
        if (kind == TripwireAction.class) {
            return action(node, line);
        } else if (kind == ActionResult.class) {
            return result(f);
        } else if (kind == RequestLatency.class) {
            record = RequestLatency.newBuilder().setTs(f.instant("ts")).setTenant(f.text("tenant"))
                    .setService(f.text("service")).setOp(f.symbol("op", Op.class)).setStatus(f.integer("status"))
                    .setLatencyMs(f.number("latencyMs")).setRegion(f.optText("region")).setRoute(f.optText("route"))
                    .setRequestId(f.optText("requestId")).setCohort(f.optText("cohort")).setVersion(f.optText("version")).build();
        } else if (kind == MetricSample.class) {
            record = MetricSample.newBuilder().setTs(f.instant("ts")).setTenant(f.text("tenant"))
                    .setName(f.text("name")).setValue(f.number("value")).setLabels(f.stringMap("labels")).build();
        } else if (kind == AutonomyDecision.class) {
            record = AutonomyDecision.newBuilder().setTs(f.instant("ts")).setTenant(f.text("tenant"))
                    .setOpId(f.text("opId")).setMode(f.symbol("mode", AutonomyMode.class))
                    .setOutcome(f.symbol("outcome", AutonomyOutcome.class)).build();
        } else if (kind == PolicyDecision.class) {
            record = PolicyDecision.newBuilder().setTs(f.instant("ts")).setTenant(f.text("tenant"))
                    .setOpId(f.text("opId")).setDecision(f.symbol("decision", PolicyVerdict.class))
                    .setPolicy(f.text("policy")).setResidencyZone(f.optText("residencyZone"))
                    .setDataZone(f.optText("dataZone")).setPurpose(f.optText("purpose")).build();
        } else if (kind == RolloutStep.class) {
            record = RolloutStep.newBuilder().setTs(f.instant("ts")).setTenant(f.text("tenant"))
                    .setWave(f.text("wave")).setRegion(f.optText("region")).setStepPercent(f.integer("stepPercent"))
                    .setPreviousPercent(f.optInteger("previousPercent")).setVersion(f.optText("version")).build();
        } else {
            record = HumanOverride.newBuilder().setTs(f.instant("ts")).setTenant(f.text("tenant"))
                    .setTripwire(f.text("tripwire")).setApprovalTokenId(f.text("approvalTokenId"))
                    .setBy(f.text("by")).setKeyId(f.optText("keyId")).setNotAfter(f.optInstant("notAfter"))
                    .setSignature(f.optText("signature")).build();
        }
        try {
            return EventValidation.validate(record);
        } catch (DecodeException e) {
            throw new JsonFormException(e.kind(), e.field(), line, e.getMessage().replaceFirst("^field '[^']*': ", ""));
        }
    }

    private static ActionResult result(JsonFields f) {
        return ActionResult.newBuilder().setActionId(f.text("actionId")).setTenant(f.text("tenant"))
                .setTripwire(f.text("tripwire")).setAction(f.text("action"))
                .setStatus(f.symbol("status", ResultStatus.class)).setHandler(f.text("handler"))
                .setAttempts((int) f.longOr("attempts", 0)).setDurationMs(f.longOr("durationMs", 0))
                .setDetail(f.textOr("detail", "")).setExitCode(f.optInteger("exitCode"))
                .setOutputDigest(f.optText("outputDigest")).setAt(f.instant("at")).build();
    }

    @SuppressWarnings("unchecked")
    private static TripwireAction action(ObjectNode node, long line) {
        try {
            return ActionJson.fromMap(JSON.convertValue(node, Map.class));
        } catch (IllegalArgumentException e) {
            String msg = String.valueOf(e.getMessage());
            Matcher m = QUOTED_FIELD.matcher(msg);
            String field = m.find() ? m.group(1) : null;
            Reason reason = msg.startsWith("missing") ? Reason.MISSING_FIELD
                    : msg.contains("ISO-8601") ? Reason.BAD_TIMESTAMP : Reason.WRONG_TYPE;
            String detail = field == null ? msg : msg.replace("field '" + field + "' ", "").replace(" '" + field + "'", "");
            throw new JsonFormException(reason, field, line, detail, e);
        }
    }
}
