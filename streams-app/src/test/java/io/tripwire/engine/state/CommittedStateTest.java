package io.tripwire.engine.state;

import io.tripwire.engine.Events;
import io.tripwire.engine.signals.HistogramSerde;
import io.tripwire.engine.signals.StoreKeys;
import io.tripwire.engine.signals.Tally;
import io.tripwire.engine.signals.WindowSums;
import io.tripwire.engine.topology.StoreNames;
import io.tripwire.schemas.RequestLatency;
import org.HdrHistogram.Histogram;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine's stores keep values as objects between commits ({@link WriteBackStore}); what makes
 * that safe is that every commit's changelog holds the state of every input it commits. This runs
 * the real topology (the driver commits after each record, as Kafka Streams' commit does) and
 * checks the changelog after each record.
 */
class CommittedStateTest {

    private static final String APP = "tripwire-state-test";

    private EngineDriver engine;
    private TopologyTestDriver driver;

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void afterEveryRecordTheChangelogHoldsTheLatencyHistogramAndRequestCountsIncludingIt(@TempDir Path stateDir) {
        engine = new EngineDriver(APP, stateDir);
        driver = engine.driver;
        TestInputTopic<String, RequestLatency> requests = engine.input(engine.topics.requests());
        TestOutputTopic<String, byte[]> histograms = changelog(StoreNames.LATENCY_BUCKETS);
        TestOutputTopic<String, byte[]> sums = changelog(StoreNames.REQUEST_SUMS);

        Instant t0 = Events.at("2025-10-06T10:00:00Z");
        Map<String, Histogram> lastHistogram = new HashMap<>();
        Map<String, WindowSums> lastSums = new HashMap<>();
        for (int i = 0; i < 50; i++) {
            String op = i % 3 == 0 ? "WRITE" : "READ";
            requests.pipeInput("TENANT_004", Events.request(t0.plusMillis(i * 100L), "TENANT_004", "api", op, i % 10 == 0 ? 503 : 200, 100 + i));
            histograms.readKeyValuesToList().forEach(kv -> lastHistogram.put(kv.key, new HistogramSerde().deserializer().deserialize("t", kv.value)));
            sums.readKeyValuesToList().forEach(kv -> lastSums.put(kv.key, WindowSums.SERDE.deserializer().deserialize("t", kv.value)));

            int n = i + 1;
            long writes = (n + 2) / 3;
            long minute = t0.toEpochMilli() / 60_000;
            String writeKey = StoreKeys.minute(StoreKeys.of("TENANT_004", "WRITE"), minute);
            assertThat(lastHistogram).as("changelog after record %d", n).containsKey(writeKey);
            assertThat(lastHistogram.get(writeKey).getTotalCount())
                    .as("WRITE histogram in the changelog after record %d", n).isEqualTo(writes);
            assertThat(lastHistogram.get(StoreKeys.minute(StoreKeys.of("TENANT_004", "READ"), minute)))
                    .as("READ histogram after record %d", n)
                    .satisfies(h -> assertThat(h == null ? 0 : h.getTotalCount()).isEqualTo(n - writes));
            assertThat(lastSums).as("changelog after record %d", n).containsKey(StoreKeys.of("TENANT_004", "api"));
            Tally day = lastSums.get(StoreKeys.of("TENANT_004", "api")).window(24 * 60);
            assertThat(day.get(0)).as("requests counted in the changelog after record %d", n).isEqualTo(n);
            assertThat(day.get(1)).as("errors counted after record %d", n).isEqualTo((n + 9) / 10);
        }
    }

    private TestOutputTopic<String, byte[]> changelog(String store) {
        return driver.createOutputTopic(APP + "-" + store + "-changelog", new StringDeserializer(), new ByteArrayDeserializer());
    }
}
