package io.tripwire.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.junit.jupiter.api.Test;

/** The broker in a JVM of its own, as benchmarks start it. */
class EmbeddedKafkaMainIT {

    @Test
    void printsBootstrapServesClientsAndStopsWhenStdinCloses() throws Exception {
        // given a broker process with a pre-created topic
        Process broker = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                "-cp", System.getProperty("java.class.path"),
                EmbeddedKafkaMain.class.getName(),
                "--topics", "policy-decisions", "--partitions", "2")
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try {
            String bootstrap = readBootstrapLine(broker);
            assertThat(bootstrap).startsWith("127.0.0.1:");

            // when a client in this JVM writes and reads
            TopicRecords topic = new TopicRecords(
                    Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap), "policy-decisions");
            topic.produce(EmbeddedKafkaIT.numberedRecords(100));

            // then the records come back, and closing stdin ends the process cleanly
            assertThat(topic.consume(100, "read_uncommitted", Duration.ofSeconds(30))).hasSize(100);
            broker.getOutputStream().close();
            assertThat(broker.waitFor(60, TimeUnit.SECONDS)).as("broker exited").isTrue();
            assertThat(broker.exitValue()).isZero();
        } finally {
            broker.destroyForcibly();
        }
    }

    private static String readBootstrapLine(Process broker) throws Exception {
        BufferedReader stdout = new BufferedReader(
                new InputStreamReader(broker.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = stdout.readLine()) != null; ) {
            if (line.startsWith("BOOTSTRAP=")) {
                return line.substring("BOOTSTRAP=".length());
            }
        }
        throw new AssertionError("broker exited without printing BOOTSTRAP=, exit code " + broker.waitFor());
    }
}
