package io.tripwire.json;

import io.tripwire.schemas.ActionResult;
import io.tripwire.schemas.AutonomyDecision;
import io.tripwire.schemas.HumanOverride;
import io.tripwire.schemas.MetricSample;
import io.tripwire.schemas.PolicyDecision;
import io.tripwire.schemas.RequestLatency;
import io.tripwire.schemas.RolloutStep;
import io.tripwire.schemas.TripwireAction;
import io.tripwire.testing.SampleRecords;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class JsonFormTest {

    private static final String TS = "2025-10-06T10:00:00.123Z";

    // The example lines of SPEC section 2, with "…" replaced by a real time.
    private static final String REQUEST = "{\"type\":\"request\",\"ts\":\"" + TS + "\",\"tenant\":\"TENANT_004\",\"service\":\"api\",\"op\":\"READ\",\"status\":200,\"latencyMs\":212.5,\"region\":\"eu-west-1\",\"route\":\"/graphql\",\"requestId\":\"r-1\"}";
    private static final String METRIC = "{\"type\":\"metric\",\"ts\":\"" + TS + "\",\"tenant\":\"TENANT_004\",\"name\":\"pg_replica_lag_seconds\",\"value\":72.0,\"labels\":{\"replica\":\"db-2\"}}";
    private static final String AUTONOMY = "{\"type\":\"autonomy\",\"ts\":\"" + TS + "\",\"tenant\":\"TENANT_001\",\"opId\":\"op-17\",\"mode\":\"ENACT\",\"outcome\":\"AUTONOMOUS\"}";
    private static final String POLICY = "{\"type\":\"policy\",\"ts\":\"" + TS + "\",\"tenant\":\"TENANT_005\",\"opId\":\"ing-9\",\"decision\":\"DENY\",\"policy\":\"residency\",\"residencyZone\":\"eu\",\"dataZone\":\"us\",\"purpose\":\"investigation\"}";
    private static final String ROLLOUT = "{\"type\":\"rollout\",\"ts\":\"" + TS + "\",\"tenant\":\"TENANT_004\",\"wave\":\"A\",\"region\":\"eu-west-1\",\"stepPercent\":10,\"previousPercent\":2}";
    private static final String OVERRIDE = "{\"type\":\"override\",\"ts\":\"" + TS + "\",\"tenant\":\"TENANT_005\",\"tripwire\":\"residency-violation\",\"approvalTokenId\":\"tok-1\",\"by\":\"dpo@example.org\"}";

    @Test
    void parsesEverySpecExampleLine() {
        assertThat(JsonForm.parseLine(REQUEST, 1)).isEqualTo(SampleRecords.request());
        assertThat(JsonForm.parseLine(METRIC, 2)).isEqualTo(SampleRecords.metric());
        assertThat(JsonForm.parseLine(AUTONOMY, 3)).isEqualTo(SampleRecords.autonomy());
        assertThat(JsonForm.parseLine(POLICY, 4)).isEqualTo(SampleRecords.policy());
        assertThat(JsonForm.parseLine(ROLLOUT, 5)).isEqualTo(SampleRecords.rollout());
        assertThat(JsonForm.parseLine(OVERRIDE, 6)).isEqualTo(SampleRecords.override());
    }

    @Test
    void writesInputsInTheSpecForm() {
        assertThat(JsonForm.write(SampleRecords.request())).isEqualTo(REQUEST);
        assertThat(JsonForm.write(SampleRecords.autonomy())).isEqualTo(AUTONOMY);
        assertThat(JsonForm.write(SampleRecords.policy())).isEqualTo(POLICY);
        assertThat(JsonForm.write(SampleRecords.rollout())).isEqualTo(ROLLOUT);
        assertThat(JsonForm.write(SampleRecords.override())).isEqualTo(OVERRIDE);
        assertThat(JsonForm.write(SampleRecords.metric())).isEqualTo(METRIC);
    }

    static Iterable<SpecificRecord> everyRecordType() {
        return SampleRecords.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRecordType")
    void roundTripsWriteThenParse(SpecificRecord record) {
        String line = JsonForm.write(record);

        assertThat(line).doesNotContain("\n");
        assertThat(JsonForm.parseLine(line, 1)).isEqualTo(record);
    }

    @Test
    void readsAndWritesTheCanaryLabels() {
        // SPEC 2: cohort and version on a request, version on a rollout step (SPEC 3 "Canary judgement")
        RequestLatency r = (RequestLatency) JsonForm.parseLine("{\"type\":\"request\",\"ts\":\"2025-10-06T10:00:00Z\",\"tenant\":\"T\","
                + "\"service\":\"api\",\"op\":\"READ\",\"status\":200,\"latencyMs\":80,\"cohort\":\"canary\",\"version\":\"v2\"}", 1);
        assertThat(r.getCohort()).isEqualTo("canary");
        assertThat(r.getVersion()).isEqualTo("v2");
        assertThat(JsonForm.parseLine(JsonForm.write(r), 1)).isEqualTo(r);
        RolloutStep s = (RolloutStep) JsonForm.parseLine("{\"type\":\"rollout\",\"ts\":\"2025-10-06T10:00:00Z\",\"tenant\":\"T\","
                + "\"wave\":\"A\",\"stepPercent\":10,\"previousPercent\":2,\"version\":\"v2\"}", 1);
        assertThat(s.getVersion()).isEqualTo("v2");
        assertThat(JsonForm.write(s)).contains("\"version\":\"v2\"");
        // a wrong type names the field
        assertThatThrownBy(() -> JsonForm.parseLine("{\"type\":\"request\",\"ts\":\"2025-10-06T10:00:00Z\",\"tenant\":\"T\","
                + "\"service\":\"api\",\"op\":\"READ\",\"status\":200,\"latencyMs\":80,\"cohort\":7}", 3))
                .hasMessageContaining("cohort");
    }

    @Test
    void leavesOutAbsentOptionalFieldsAndReadsThemBackAsNull() {
        RequestLatency bare = RequestLatency.newBuilder(SampleRecords.request()).setRegion(null).setRoute(null).setRequestId(null).build();

        String line = JsonForm.write(bare);

        assertThat(line).doesNotContain("region").doesNotContain("null");
        assertThat(JsonForm.parseLine(line, 1)).isEqualTo(bare);
    }

    @Test
    void writesActionsExactlyAsSpecSectionFourShows() {
        // given: evidence built in the order the engine puts it (a copy or an Avro decode keeps no order)
        TripwireAction action = SampleRecords.action();
        action.setSignature("c2ln");

        String line = JsonForm.write(action);

        assertThat(line).startsWith("{\"actionId\":\"" + action.getActionId() + "\",\"decisionId\":\"" + action.getDecisionId()
                + "\",\"tripwire\":\"error-budget\",\"tenant\":\"TENANT_004\",\"scope\":\"api\",\"action\":\"ROLLBACK_LAST_STEP\","
                + "\"firedAt\":\"2025-10-06T11:07:00Z\",\"params\":{\"to\":\"10\"},"
                + "\"reason\":\"error budget remaining 0.54 < 0.60 over 24h (bad 23 / total 41200)\","
                + "\"evidence\":{\"remaining\":0.5442,\"bad\":23,\"total\":41200,\"window\":\"24h\"},\"evidenceId\":\"");
        assertThat(line).endsWith(",\"signature\":\"c2ln\"}").doesNotContain("\"type\"");
    }

    @Test
    void recognisesOutputLinesByTheirActionId() {
        assertThat(JsonForm.parseLine(JsonForm.write(SampleRecords.action()), 1)).isInstanceOf(TripwireAction.class);
        assertThat(JsonForm.parseLine(JsonForm.write(SampleRecords.result()), 1)).isInstanceOf(ActionResult.class);
        assertThat(JsonForm.parseLine("{\"type\":\"action\"," + JsonForm.write(SampleRecords.action()).substring(1), 1))
                .isEqualTo(SampleRecords.action());
    }

    @ParameterizedTest(name = "ts {0}")
    @ValueSource(strings = {"\"2025-10-06T10:00:00Z\"", "1759744800000", "\"1759744800000\"", "\"2025-10-06T12:00:00+02:00\""})
    void acceptsIsoAndEpochMillisTimestamps(String ts) {
        String line = OVERRIDE.replace("\"" + TS + "\"", ts);

        HumanOverride o = (HumanOverride) JsonForm.parseLine(line, 1);

        assertThat(o.getTs()).isEqualTo(Instant.parse("2025-10-06T10:00:00Z"));
    }

    @Test
    void keepsMillisecondsOfAnIsoTimestamp() {
        assertThat(((HumanOverride) JsonForm.parseLine(OVERRIDE, 1)).getTs().toEpochMilli()).isEqualTo(1759744800123L);
    }

    @Test
    void cutsTimestampsToMillisecondsAsAvroDoes() {
        HumanOverride o = (HumanOverride) JsonForm.parseLine(OVERRIDE.replace(TS, "2025-10-06T10:00:00.123456789Z"), 1);

        assertThat(o.getTs()).isEqualTo(Instant.parse(TS));
    }

    @Test
    void refusesATimestampItCannotRead() {
        JsonFormException e = catchThrowableOfType(JsonFormException.class,
                () -> JsonForm.parseLine(OVERRIDE.replace(TS, "yesterday"), 9));

        assertThat(e.reason()).isEqualTo("bad-timestamp");
        assertThat(e.field()).isEqualTo("ts");
        assertThat(e.line()).isEqualTo(9);
        assertThat(e).hasMessageStartingWith("line 9: field 'ts': expected ISO-8601 UTC");
    }

    @Test
    void ignoresUnknownFields() {
        String line = AUTONOMY.replace("}", ",\"pilotVersion\":\"3.1\",\"extra\":{\"nested\":[1,2]}}");

        assertThat(JsonForm.parseLine(line, 1)).isEqualTo(SampleRecords.autonomy());
    }

    @Test
    void namesLineAndFieldOfAValueOfTheWrongType() {
        JsonFormException e = catchThrowableOfType(JsonFormException.class,
                () -> JsonForm.parseLine(REQUEST.replace("212.5", "\"abc\""), 17));

        assertThat(e.reason()).isEqualTo("wrong-type");
        assertThat(e.field()).isEqualTo("latencyMs");
        assertThat(e.line()).isEqualTo(17);
        assertThat(e).hasMessage("line 17: field 'latencyMs': expected a number, got \"abc\"");
    }

    @Test
    void namesLineAndFieldOfAMissingRequiredField() {
        JsonFormException e = catchThrowableOfType(JsonFormException.class,
                () -> JsonForm.parseLine(POLICY.replace("\"opId\":\"ing-9\",", ""), 4));

        assertThat(e.reason()).isEqualTo("missing-field");
        assertThat(e).hasMessage("line 4: field 'opId': missing (required)");
    }

    @Test
    void refusesAnUnknownEnumSymbol() {
        JsonFormException e = catchThrowableOfType(JsonFormException.class,
                () -> JsonForm.parseLine(AUTONOMY.replace("ENACT", "YOLO"), 3));

        assertThat(e.reason()).isEqualTo("unknown-enum");
        assertThat(e).hasMessage("line 3: field 'mode': unknown value \"YOLO\", expected one of SIMULATE, ENACT");
    }

    @Test
    void refusesANonIntegralStatusAndStep() {
        assertThat(catchThrowableOfType(JsonFormException.class,
                () -> JsonForm.parseLine(REQUEST.replace("\"status\":200", "\"status\":200.5"), 1)).field()).isEqualTo("status");
        assertThat(catchThrowableOfType(JsonFormException.class,
                () -> JsonForm.parseLine(ROLLOUT.replace("\"stepPercent\":10", "\"stepPercent\":\"10\""), 1)).reason()).isEqualTo("wrong-type");
    }

    @Test
    void refusesNegativeAndNaNLatency() {
        JsonFormException negative = catchThrowableOfType(JsonFormException.class,
                () -> JsonForm.parseLine(REQUEST.replace("212.5", "-3"), 5));
        JsonFormException nan = catchThrowableOfType(JsonFormException.class,
                () -> JsonForm.parseLine(REQUEST.replace("212.5", "NaN"), 6));

        assertThat(negative.reason()).isEqualTo("invalid-value");
        assertThat(negative).hasMessage("line 5: field 'latencyMs': must be finite and >= 0, got -3.0");
        assertThat(nan.reason()).isEqualTo("invalid-value");
        assertThat(nan).hasMessage("line 6: field 'latencyMs': must be finite and >= 0, got NaN");
    }

    @Test
    void refusesAnUnknownOrMissingType() {
        assertThat(catchThrowableOfType(JsonFormException.class,
                () -> JsonForm.parseLine("{\"type\":\"heartbeat\",\"ts\":1}", 2)).reason()).isEqualTo("unknown-enum");
        assertThat(catchThrowableOfType(JsonFormException.class,
                () -> JsonForm.parseLine("{\"ts\":1,\"tenant\":\"T\"}", 2)).field()).isEqualTo("type");
    }

    @Test
    void refusesTextThatIsNotAJsonObject() {
        assertThat(catchThrowableOfType(JsonFormException.class, () -> JsonForm.parseLine("[1,2]", 1)).reason()).isEqualTo("bad-json");
        assertThat(catchThrowableOfType(JsonFormException.class, () -> JsonForm.parseLine("{\"type\":", 1)).reason()).isEqualTo("bad-json");
        assertThat(catchThrowableOfType(JsonFormException.class, () -> JsonForm.parseLine("", 1)).reason()).isEqualTo("bad-json");
        assertThat(catchThrowableOfType(JsonFormException.class, () -> JsonForm.parseLine(AUTONOMY + " {}", 1)).reason()).isEqualTo("bad-json");
    }

    @Test
    void parsesATopicValueWithoutTypeAsTheExpectedClass() {
        String noType = ROLLOUT.replace("\"type\":\"rollout\",", "");

        assertThat(JsonForm.parse(noType, RolloutStep.class)).isEqualTo(SampleRecords.rollout());
    }

    @Test
    void refusesATopicValueOfAnotherType() {
        JsonFormException e = catchThrowableOfType(JsonFormException.class, () -> JsonForm.parse(METRIC, RequestLatency.class));

        assertThat(e.reason()).isEqualTo("wrong-type-for-topic");
        assertThat(e.line()).isZero();
        assertThat(e).hasMessage("field 'type': this topic carries 'request' records, got type \"metric\"");
    }

    @Test
    void readsLabelValuesAsStrings() {
        MetricSample m = (MetricSample) JsonForm.parseLine(METRIC.replace("\"db-2\"}", "\"db-2\",\"port\":5432}"), 1);

        assertThat(m.getLabels()).isEqualTo(Map.of("replica", "db-2", "port", "5432"));
    }

    @Test
    void namesTheFieldOfABrokenActionLine() {
        String line = JsonForm.write(SampleRecords.action()).replace("\"tenant\":\"TENANT_004\",", "");

        JsonFormException e = catchThrowableOfType(JsonFormException.class, () -> JsonForm.parseLine(line, 12));

        assertThat(e.reason()).isEqualTo("missing-field");
        assertThat(e.field()).isEqualTo("tenant");
        assertThat(e).hasMessageStartingWith("line 12: ");
    }

    @Test
    void knowsTheTypeNameOfEveryRecordClass() {
        assertThat(JsonForm.typeOf(RequestLatency.class)).isEqualTo("request");
        assertThat(JsonForm.typeOf(AutonomyDecision.class)).isEqualTo("autonomy");
        assertThat(JsonForm.typeOf(PolicyDecision.class)).isEqualTo("policy");
        assertThat(JsonForm.typeOf(HumanOverride.class)).isEqualTo("override");
        assertThat(JsonForm.typeOf(ActionResult.class)).isEqualTo("result");
    }
}
