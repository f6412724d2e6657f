package io.tripwire.engine.tripwires;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

class HoldStateTest {

    @Test
    void roundTripsEveryField() {
        HoldState s = new HoldState(1_000, true, 2_000, 500, 3_000);
        assertThat(HoldState.SERDE.deserializer().deserialize("t", HoldState.SERDE.serializer().serialize("t", s))).isEqualTo(s);
    }

    @Test
    void readsAChangelogWrittenBeforeSignificanceAndKeepFiringFor() throws Exception {
        // the 17-byte value of the engine before the guard: since, firing, firedAt
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(1_000);
            out.writeBoolean(true);
            out.writeLong(2_000);
        }
        assertThat(HoldState.SERDE.deserializer().deserialize("t", bytes.toByteArray()))
                .isEqualTo(new HoldState(1_000, true, 2_000, -1, -1));
    }
}
