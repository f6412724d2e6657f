package io.tripwire.engine.state;

import io.tripwire.engine.Events;
import io.tripwire.engine.signals.CanaryTenant;
import io.tripwire.engine.signals.HistogramSerde;
import io.tripwire.engine.signals.StoreKeys;
import io.tripwire.engine.topology.StoreNames;
import io.tripwire.schemas.RequestLatency;
import io.tripwire.schemas.RolloutStep;
import org.HdrHistogram.Histogram;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * State written before 2026-12-08 kept, per tenant and op, a rolling sum of the canary judgement's
 * not-baseline minutes under its own {@code latency-buckets} key, and the minutes it held in the
 * tenant's {@code canary-tenants} record. The engine no longer keeps that sum (τ is read from the
 * minutes in place): such a record must still decode, and the first window after an upgrade must
 * delete the orphaned sum, so it does not stay in the changelog for good.
 */
class LegacyCanaryStateTest {

    private static final String APP = "tripwire-legacy-test";
    private static final String T = "TENANT_004";

    private EngineDriver engine;

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    /**
     * The record as the previous engine wrote it: {@code t}'s fields, with a rolling-sum window for
     * {@code op}, and without the sets of minutes with a histogram of the rest (added since).
     */
    static byte[] withLegacyWindow(CanaryTenant t, String op) throws IOException {
        byte[] now = CanaryTenant.SERDE.serializer().serialize("t", t);
        // the record ends with the window section (its count), the excluded and the rest sections; all empty, three zero ints
        assertThat(Arrays.copyOfRange(now, now.length - 12, now.length)).as("a record with no window, excluded or rest minutes")
                .containsOnly(0);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(now, 0, now.length - 12);
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(1);
        out.writeUTF(op);
        out.writeLong(29_000_000L);
        out.writeLong(29_000_005L);
        out.writeInt(0);
        out.flush();
        return bytes.toByteArray();
    }

    @Test
    void aLegacyRecordDecodesAndForgetsItsWindowOnce() throws IOException {
        CanaryTenant legacy = CanaryTenant.SERDE.deserializer().deserialize("t",
                withLegacyWindow(CanaryTenant.of(io.tripwire.engine.tripwires.CanaryStage.byRequest(1_000L)), "READ"));
        assertThat(legacy.since()).isEqualTo(1_000L);
        assertThat(legacy.dropLegacyWindow("WRITE")).isFalse();
        assertThat(legacy.dropLegacyWindow("READ")).isTrue();
        assertThat(legacy.dropLegacyWindow("READ")).isFalse();
        byte[] again = CanaryTenant.SERDE.serializer().serialize("t", legacy);
        assertThat(Arrays.copyOfRange(again, again.length - 12, again.length)).as("written back with an empty window").containsOnly(0);
    }

    @Test
    void aLegacyRecordTakesEveryNotBaselineMinuteAsPossiblyHoldingTheRest() throws IOException {
        CanaryTenant t = CanaryTenant.of(io.tripwire.engine.tripwires.CanaryStage.byRequest(1_000L));
        t.notBaseline("READ").add(7L);
        t.notBaseline("READ").add(8L);
        t.rest("READ").add(8L);
        byte[] now = CanaryTenant.SERDE.serializer().serialize("t", t);
        assertThat(CanaryTenant.SERDE.deserializer().deserialize("t", now).rest("READ")).as("written and read").containsExactly(8L);
        // the previous format: the same record without its last section
        int restSection = 4 + 2 + "READ".length() + 4 + 8; // ops, op, minutes, one minute
        byte[] legacy = Arrays.copyOf(now, now.length - restSection);
        assertThat(CanaryTenant.SERDE.deserializer().deserialize("t", legacy).rest("READ")).as("read from the previous format")
                .containsExactly(7L, 8L);
    }

    @Test
    void theFirstWindowAfterAnUpgradeDeletesTheOrphanedRollingSum(@TempDir Path stateDir) throws IOException {
        engine = new EngineDriver(APP, stateDir);
        TestInputTopic<String, RequestLatency> requests = engine.input(engine.topics.requests());
        TestInputTopic<String, RolloutStep> rollouts = engine.input(engine.topics.rollout());
        TopologyTestDriver driver = engine.driver;
        Instant t0 = Events.at("2025-10-06T10:00:00Z");
        rollouts.pipeInput(T, Events.rollout(t0, T, 10, 2));
        KeyValueStore<String, CanaryTenant> tenants = driver.getKeyValueStore(StoreNames.CANARY_TENANTS);
        KeyValueStore<String, Histogram> buckets = driver.getKeyValueStore(StoreNames.LATENCY_BUCKETS);

        // the state a previous engine left: the tenant's record with a window for READ, and the sum it names
        tenants.put(T, CanaryTenant.SERDE.deserializer().deserialize("t", withLegacyWindow(tenants.get(T), "READ")));
        String sumKey = StoreKeys.minute(StoreKeys.of(T, "READ", "not-baseline-window"), 0);
        Histogram sum = HistogramSerde.newHistogram();
        sum.recordValue(80_000);
        buckets.put(sumKey, sum);

        for (int i = 0; i < 40; i++) { // READ requests for two minutes: the window at 10:01 is evaluated
            requests.pipeInput(T, Events.labelled(t0.plusMillis(1_000L + 4_000L * i), T, "api", "READ", 200, 80, i % 5 == 0 ? "canary" : "baseline"));
        }
        requests.pipeInput(T, Events.labelled(t0.plusSeconds(200), T, "api", "READ", 200, 80, "baseline"));

        assertThat(buckets.get(sumKey)).as("the orphaned rolling sum").isNull();
        assertThat(tenants.get(T).dropLegacyWindow("READ")).as("the record's legacy window").isFalse();
    }
}
