package io.tripwire.wire;

import io.tripwire.schemas.HumanOverride;
import io.tripwire.schemas.MetricSample;
import io.tripwire.schemas.PolicyDecision;
import io.tripwire.schemas.RequestLatency;
import io.tripwire.schemas.RolloutStep;
import io.tripwire.testing.SampleRecords;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class EventValidationTest {

    private static DecodeException refused(SpecificRecord r) {
        return catchThrowableOfType(DecodeException.class, () -> EventValidation.validate(r));
    }

    @Test
    void acceptsEverySampleRecord() {
        for (SpecificRecord r : SampleRecords.all()) {
            assertThat(EventValidation.validate(r)).isSameAs(r);
        }
    }

    @Test
    void refusesATimeBefore1970WhichKafkaCannotCarry() {
        DecodeException e = refused(MetricSample.newBuilder(SampleRecords.metric()).setTs(java.time.Instant.parse("1969-12-31T23:59:59Z")).build());

        assertThat(e.reason()).isEqualTo("bad-timestamp");
        assertThat(e.field()).isEqualTo("ts");
        assertThat(EventValidation.validate(MetricSample.newBuilder(SampleRecords.metric()).setTs(java.time.Instant.EPOCH).build())).isNotNull();
    }

    @Test
    void refusesABlankTenant() {
        DecodeException e = refused(RequestLatency.newBuilder(SampleRecords.request()).setTenant("  ").build());

        assertThat(e.reason()).isEqualTo("invalid-value");
        assertThat(e.field()).isEqualTo("tenant");
        assertThat(e).hasMessage("field 'tenant': must not be blank");
    }

    @Test
    void refusesNegativeAndNonFiniteLatency() {
        for (double bad : new double[] {-0.5, Double.NaN, Double.POSITIVE_INFINITY}) {
            DecodeException e = refused(RequestLatency.newBuilder(SampleRecords.request()).setLatencyMs(bad).build());
            assertThat(e.field()).isEqualTo("latencyMs");
            assertThat(e.reason()).isEqualTo("invalid-value");
        }
    }

    @Test
    void acceptsZeroLatency() {
        RequestLatency zero = RequestLatency.newBuilder(SampleRecords.request()).setLatencyMs(0).build();

        assertThat(EventValidation.validate(zero)).isSameAs(zero);
    }

    @Test
    void refusesAStatusOutsideHttpRange() {
        assertThat(refused(RequestLatency.newBuilder(SampleRecords.request()).setStatus(99).build()).field()).isEqualTo("status");
        assertThat(refused(RequestLatency.newBuilder(SampleRecords.request()).setStatus(600).build()).field()).isEqualTo("status");
    }

    @Test
    void refusesANonFiniteMetricValue() {
        assertThat(refused(MetricSample.newBuilder(SampleRecords.metric()).setValue(Double.NaN).build()).field()).isEqualTo("value");
    }

    @Test
    void refusesPercentsOutsideZeroToHundred() {
        assertThat(refused(RolloutStep.newBuilder(SampleRecords.rollout()).setStepPercent(101).build()).field()).isEqualTo("stepPercent");
        assertThat(refused(RolloutStep.newBuilder(SampleRecords.rollout()).setPreviousPercent(-1).build()).field()).isEqualTo("previousPercent");
        RolloutStep noPrevious = RolloutStep.newBuilder(SampleRecords.rollout()).setPreviousPercent(null).build();
        assertThat(EventValidation.validate(noPrevious)).isSameAs(noPrevious);
    }

    @Test
    void refusesBlankRequiredStrings() {
        assertThat(refused(PolicyDecision.newBuilder(SampleRecords.policy()).setPolicy("").build()).field()).isEqualTo("policy");
        assertThat(refused(HumanOverride.newBuilder(SampleRecords.override()).setBy(" ").build()).field()).isEqualTo("by");
        assertThat(refused(RolloutStep.newBuilder(SampleRecords.rollout()).setWave("").build()).field()).isEqualTo("wave");
    }

    @Test
    void reportsAMissingRequiredValueAsMissingField() {
        // a record built with put(), as generic code might, can hold a null in a required field
        RequestLatency r = SampleRecords.request();
        r.put("service", null);

        DecodeException e = refused(r);

        assertThat(e.reason()).isEqualTo("missing-field");
        assertThat(e.field()).isEqualTo("service");
    }
}
