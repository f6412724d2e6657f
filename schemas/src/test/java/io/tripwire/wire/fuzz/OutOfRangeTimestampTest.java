package io.tripwire.wire.fuzz;

import io.tripwire.json.JsonForm;
import io.tripwire.schemas.RequestLatency;
import io.tripwire.wire.DecodeException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Found by {@link DecoderFuzzTest}: the JSON form accepts an ISO-8601 {@code ts} that Instant can
 * hold but epoch milliseconds cannot (beyond about year ±292,278,994). Avro's timestamp-millis cannot
 * carry such a record, and the engine's timestamp extractor ({@code EventTime}) calls
 * {@code toEpochMilli()} on it, which threw ArithmeticException: a fatal error in Kafka Streams
 * (not a dead letter), a poison pill for its partition. Fixed: the JSON reader refuses it.
 */
class OutOfRangeTimestampTest {

    @ParameterizedTest
    @ValueSource(strings = {"+1000000000-01-01T00:00:00Z", "-1000000000-01-01T00:00:00Z", "+292278994-08-17T07:12:55.808Z"})
    void aTimestampBeyondEpochMillisecondsIsABadTimestamp(String ts) {
        // given
        String line = "{\"type\":\"request\",\"ts\":\"" + ts + "\",\"tenant\":\"TENANT_001\",\"service\":\"api\",\"op\":\"READ\","
                + "\"status\":200,\"latencyMs\":1.0}";

        // when
        Throwable t = catchThrowable(() -> JsonForm.parse(line, RequestLatency.class));

        // then
        assertThat(t).isInstanceOf(DecodeException.class);
        assertThat(((DecodeException) t).reason()).isEqualTo("bad-timestamp");
    }
}
