package io.tripwire.cli;

import io.tripwire.engine.ingest.Ingest;
import io.tripwire.engine.replay.ReplayTopics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which topics replay, gate and evidence read: the engine configuration's, or the options'. */
class TopicOptionsTest {

    @Command(name = "reader")
    static final class Reader {
        @Mixin
        TopicOptions topics;
    }

    private static TopicOptions parse(String... args) {
        Reader r = new Reader();
        new CommandLine(r).parseArgs(args);
        return r.topics;
    }

    private static Path engineYaml(Path dir) throws Exception {
        return Files.writeString(dir.resolve("engine.yaml"), """
                topics:
                  request-latency: gw.requests
                otlp:
                  spans-topic: otlp_spans
                  tenant-attribute: customer_id
                opa:
                  topic: opa-decision-logs
                """);
    }

    @Test
    void withoutAnyTheSixInputTopicsAreReadWithTheDefaultMapping() {
        TopicOptions t = parse("--topic-prefix", "wa.");

        ReplayTopics topics = t.topics();

        assertThat(topics.topics()).containsExactly("wa.request-latency", "wa.metric-samples", "wa.autonomy-decisions",
                "wa.policy-decisions", "wa.rollout-steps", "wa.hitl-overrides");
        assertThat(topics.margin()).isEqualTo(Duration.ofMinutes(15));
        assertThat(t.mapping().tenantAttribute()).isEqualTo("tenant_id");
    }

    @Test
    void theEngineConfigurationNamesEveryTopicAndTheMappingAndTheOptionsWinOverIt(@TempDir Path dir) throws Exception {
        TopicOptions fromFile = parse("--engine-config", engineYaml(dir).toString());
        TopicOptions overridden = parse("--engine-config", engineYaml(dir).toString(), "--otlp-spans-topic", "", "--otlp-metrics-topic",
                "otlp_metrics", "--ingest-margin", "2m");

        assertThat(fromFile.topics().topics()).startsWith("gw.requests").endsWith("otlp_spans", "opa-decision-logs");
        assertThat(fromFile.topics().onRamps()).containsExactly(Map.entry("otlp_spans", Ingest.Form.OTLP_TRACES),
                Map.entry("opa-decision-logs", Ingest.Form.OPA_DECISION));
        assertThat(fromFile.mapping().tenantAttribute()).isEqualTo("customer_id");
        assertThat(fromFile.topics().ingestion().mapping().tenantAttribute()).isEqualTo("customer_id");
        assertThat(overridden.topics().onRamps()).containsExactly(Map.entry("otlp_metrics", Ingest.Form.OTLP_METRICS),
                Map.entry("opa-decision-logs", Ingest.Form.OPA_DECISION));
        assertThat(overridden.topics().margin()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void aBadEngineConfigurationOrTopicIsAUsageErrorNamingIt(@TempDir Path dir) throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.yaml"), "otlp:\n  spans-topc: x\n");

        assertThatThrownBy(() -> parse("--engine-config", bad.toString()).topics())
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("--engine-config: ").hasMessageContaining("spans-topc");
        assertThatThrownBy(() -> parse("--engine-config", dir.resolve("none.yaml").toString()).mapping())
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("file not found");
        assertThatThrownBy(() -> parse("--engine-config", engineYaml(dir).toString(), "--topic-prefix", "x.").topics())
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("--topic-prefix or --engine-config, not both");
        assertThatThrownBy(() -> parse("--opa-topic", "request-latency").topics())
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("topic request-latency is named twice");
        assertThatThrownBy(() -> parse("--ingest-margin", "PT-5M").topics())
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("must not be negative");
    }
}
