package io.tripwire.wire;

import io.tripwire.schemas.AutonomyDecision;
import io.tripwire.schemas.HumanOverride;
import io.tripwire.schemas.MetricSample;
import io.tripwire.schemas.PolicyDecision;
import io.tripwire.schemas.RequestLatency;
import io.tripwire.schemas.RolloutStep;
import org.apache.avro.specific.SpecificRecord;

/**
 * The value rules of SPEC section 2, applied to input records however they arrived (Avro or JSON):
 * <ul>
 *   <li>every input: {@code ts} present and not before 1970 (Kafka cannot carry it), {@code tenant} not blank;</li>
 *   <li>RequestLatency: {@code service} not blank, {@code op} present, {@code status} in 100..599,
 *       {@code latencyMs} finite and &gt;= 0;</li>
 *   <li>MetricSample: {@code name} not blank, {@code value} finite;</li>
 *   <li>AutonomyDecision: {@code opId} not blank, {@code mode} and {@code outcome} present;</li>
 *   <li>PolicyDecision: {@code opId} and {@code policy} not blank, {@code decision} present;</li>
 *   <li>RolloutStep: {@code wave} not blank, {@code stepPercent} in 0..100, {@code previousPercent}
 *       in 0..100 when present;</li>
 *   <li>HumanOverride: {@code tripwire}, {@code approvalTokenId} and {@code by} not blank.</li>
 * </ul>
 * Output records (TripwireAction, ActionResult) have no rules here and pass unchanged. A null
 * required value is {@code missing-field}; a value breaking a rule is {@code invalid-value}.
 */
public final class EventValidation {

    static {
        // copying a generated record (newBuilder(other)) makes Avro check class trust: see AvroTrust
        AvroTrust.ensure();
    }

    private EventValidation() {
    }

    /**
     * Checks {@code record} against the rules above.
     *
     * @return the record, for chaining
     * @throws DecodeException with reason {@code missing-field} or {@code invalid-value} and the field
     */
    public static <T extends SpecificRecord> T validate(T record) {
        if (record instanceof RequestLatency r) {
            common(r.getTs(), r.getTenant());
            text("service", r.getService());
            present("op", r.getOp());
            if (r.getStatus() < 100 || r.getStatus() > 599) {
                throw invalid("status", "must be an HTTP status in 100..599, got " + r.getStatus());
            }
            double latency = r.getLatencyMs();
            if (!Double.isFinite(latency) || latency < 0) {
                throw invalid("latencyMs", "must be finite and >= 0, got " + latency);
            }
        } else if (record instanceof MetricSample m) {
            common(m.getTs(), m.getTenant());
            text("name", m.getName());
            if (!Double.isFinite(m.getValue())) {
                throw invalid("value", "must be finite, got " + m.getValue());
            }
        } else if (record instanceof AutonomyDecision a) {
            common(a.getTs(), a.getTenant());
            text("opId", a.getOpId());
            present("mode", a.getMode());
            present("outcome", a.getOutcome());
        } else if (record instanceof PolicyDecision p) {
            common(p.getTs(), p.getTenant());
            text("opId", p.getOpId());
            present("decision", p.getDecision());
            text("policy", p.getPolicy());
        } else if (record instanceof RolloutStep s) {
            common(s.getTs(), s.getTenant());
            text("wave", s.getWave());
            percent("stepPercent", s.getStepPercent());
            if (s.getPreviousPercent() != null) {
                percent("previousPercent", s.getPreviousPercent());
            }
        } else if (record instanceof HumanOverride o) {
            common(o.getTs(), o.getTenant());
            text("tripwire", o.getTripwire());
            text("approvalTokenId", o.getApprovalTokenId());
            text("by", o.getBy());
        }
        return record;
    }

    private static void common(Object ts, String tenant) {
        present("ts", ts);
        // Kafka has no timestamps before 1970: Kafka Streams would skip such a record with a log line only
        if (ts instanceof java.time.Instant i && i.toEpochMilli() < 0) {
            throw new DecodeException(DecodeException.Reason.BAD_TIMESTAMP, "ts",
                    "field 'ts': " + i + " is before 1970-01-01T00:00:00Z, which Kafka cannot carry");
        }
        text("tenant", tenant);
    }

    private static void present(String field, Object value) {
        if (value == null) {
            throw new DecodeException(DecodeException.Reason.MISSING_FIELD, field, "field '" + field + "': missing");
        }
    }

    private static void text(String field, String value) {
        present(field, value);
        if (value.isBlank()) {
            throw invalid(field, "must not be blank");
        }
    }

    private static void percent(String field, int value) {
        if (value < 0 || value > 100) {
            throw invalid(field, "must be a percent in 0..100, got " + value);
        }
    }

    private static DecodeException invalid(String field, String what) {
        return new DecodeException(DecodeException.Reason.INVALID_VALUE, field, "field '" + field + "': " + what);
    }
}
