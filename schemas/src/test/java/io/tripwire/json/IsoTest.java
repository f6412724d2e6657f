package io.tripwire.json;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The fast event-time reader agrees with {@link Instant#parse} wherever it answers, and answers the common form. */
class IsoTest {

    @Test
    void readsTheCommonFormsExactlyAsInstantParse() {
        for (String s : new String[] {"2025-10-06T10:00:00Z", "2025-10-06T10:00:00.123Z", "2025-10-06T23:59:59.999999999Z",
                "1970-01-01T00:00:00Z", "2024-02-29T12:00:00.5Z", "2000-02-29T00:00:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"}) {
            assertThat(Iso.utc(s)).as(s).isEqualTo(Instant.parse(s));
        }
    }

    @Test
    void leavesEverythingElseToTheFullParser() {
        for (String s : new String[] {"2025-02-29T00:00:00Z", "2025-13-01T00:00:00Z", "2025-10-06T24:00:00Z", "2025-10-06T10:00:60Z",
                "2025-10-06T10:00:00.Z", "2025-10-06T10:00:00.1234567890Z", "2025-10-06 10:00:00Z", "2025-10-06T10:00:00+02:00",
                "+12025-10-06T10:00:00Z", "2025-10-06T10:00Z", "2025-1x-06T10:00:00Z", "1900-02-29T00:00:00Z"}) {
            assertThat(Iso.utc(s)).as(s).isNull();
        }
    }

    @Test
    void agreesWithInstantParseOnRandomInstants() {
        Random r = new Random(3);
        for (int i = 0; i < 100_000; i++) {
            Instant t = Instant.ofEpochSecond(r.nextLong() % 250_000_000_000L, r.nextInt(3) == 0 ? 0 : r.nextInt(1_000_000_000));
            String s = t.toString();
            try {
                assertThat(Iso.utc(s)).as(s).isIn(Instant.parse(s), null);
                if (s.length() >= 20 && s.charAt(0) != '-' && s.charAt(0) != '+') {
                    assertThat(Iso.utc(s)).as(s).isEqualTo(Instant.parse(s));
                }
            } catch (DateTimeParseException e) {
                assertThat(Iso.utc(s)).as(s).isNull();
            }
        }
    }

    @Test
    void parseIsInstantParseWithTheFastReadFirst() {
        for (String s : new String[] {"2025-10-06T10:00:00Z", "2025-10-06T10:00:00.123456789Z", "2025-10-06T10:00:00+02:00",
                "+12025-10-06T10:00:00Z", "2016-12-31T23:59:60Z"}) {
            assertThat(Iso.parse(s)).as(s).isEqualTo(Instant.parse(s));
        }
        for (String s : new String[] {"2025-02-29T00:00:00Z", "yesterday", ""}) {
            assertThatThrownBy(() -> Iso.parse(s)).as(s).isInstanceOf(java.time.format.DateTimeParseException.class);
        }
    }
}
