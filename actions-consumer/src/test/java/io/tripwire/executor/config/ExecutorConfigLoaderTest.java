package io.tripwire.executor.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tripwire.executor.TestActions;
import io.tripwire.executor.handler.ArgvTemplate;
import io.tripwire.schemas.ActionType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExecutorConfigLoaderTest {

    private static final Path SHIPPED = Paths.get("..", "config", "executor.yaml");

    @TempDir
    Path dir;
    private Path key;

    @BeforeEach
    void writeKey() {
        key = TestActions.withFreshKey().writePublicKey(dir.resolve("keys"));
    }

    private ExecutorConfig read(String yaml) {
        return read(yaml, Map.of());
    }

    private ExecutorConfig read(String yaml, Map<String, String> env) {
        try {
            JsonNode tree = new ObjectMapper(new YAMLFactory()).readTree(yaml);
            return new ExecutorConfigLoader(env).read(tree, dir);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String minimal(String handlers) {
        return "trust: {public-keys: [keys/public.pem]}\nhandlers:\n" + handlers;
    }

    @Test
    void loadsTheShippedConfigWithScriptsResolvedNextToIt() {
        Map<String, String> env = Map.of("TRIPWIRE_EXECUTOR_TRUST_PUBLIC_KEYS", key.toString());

        ExecutorConfig c = new ExecutorConfigLoader(env).load(SHIPPED);

        HandlerSpec.Command rollback = (HandlerSpec.Command) c.handlerFor(ActionType.ROLLBACK_LAST_STEP).orElseThrow();
        assertThat(Path.of(rollback.argv().get(0))).isAbsolute().endsWith(Path.of("config", "scripts", "aa_expansion_rollout.sh"));
        assertThat(rollback.argv()).containsSubsequence("rollback", "--tenant", "{tenant}");
        assertThat(c.handlerFor(ActionType.THROTTLE_AUTONOMY).orElseThrow().kind()).isEqualTo("command");
        assertThat(c.handlerFor(ActionType.ENTER_SIMULATE).orElseThrow().kind()).isEqualTo("command");
        assertThat(c.handlerFor(ActionType.FREEZE_RAMP).orElseThrow().kind()).isEqualTo("command");
        assertThat(c.handlerFor(ActionType.STOP_RAMP).orElseThrow().kind()).isEqualTo("command");
        assertThat(c.handlerFor(ActionType.ALERT).orElseThrow().kind()).isEqualTo("log");
        assertThat(c.handlerFor(ActionType.RESOLVED).orElseThrow().kind()).isEqualTo("log");
        assertThat(c.handlerFor(ActionType.UNKNOWN)).isEmpty();
        assertThat(c.dryRun()).isFalse();
        assertThat(c.topics()).isEqualTo(TopicNames.defaults());
        assertThat(c.kafka().groupId()).isEqualTo("tripwire-executor");
        assertThat(c.wire().format()).isEqualTo(WireSettings.Format.AVRO);
    }

    @Test
    void everyActionTypeButUnknownHasAHandlerInTheShippedConfig() {
        ExecutorConfig c = new ExecutorConfigLoader(Map.of("TRIPWIRE_EXECUTOR_TRUST_PUBLIC_KEYS", key.toString())).load(SHIPPED);

        for (ActionType t : ActionType.values()) {
            assertThat(c.handlerFor(t).isPresent()).as(t.name()).isEqualTo(t != ActionType.UNKNOWN);
        }
    }

    @Test
    void theShippedRollbackUndoesTheStepOfTheRegionTheActionNames() throws Exception {
        // SPEC 3 (issue 26): ROLLBACK_LAST_STEP carries the region of the step it rolls back; the shipped handler passes it
        // to the rollout script, which then undoes only that region's step
        ExecutorConfig c = new ExecutorConfigLoader(Map.of("TRIPWIRE_EXECUTOR_TRUST_PUBLIC_KEYS", key.toString())).load(SHIPPED);
        HandlerSpec.Command rollback = (HandlerSpec.Command) c.handlerFor(ActionType.ROLLBACK_LAST_STEP).orElseThrow();
        ArgvTemplate t = ArgvTemplate.parse(rollback.argv());
        List<String> regional = t.expand(TestActions.unsigned("TENANT_004", ActionType.ROLLBACK_LAST_STEP, null,
                Map.of("to", "2", "region", "eu-west-1")));
        assertThat(regional).endsWith("--to", "2", "--region", "eu-west-1");
        assertThat(run(regional)).isEqualTo("would roll back tenant TENANT_004 in eu-west-1 to 2% (idempotency key A-1)");
        // a step that named no region: the script rolls back the tenant's last step wherever it was
        List<String> anywhere = t.expand(TestActions.unsigned("TENANT_004", ActionType.ROLLBACK_LAST_STEP, null, Map.of("to", "2")));
        assertThat(run(anywhere)).isEqualTo("would roll back tenant TENANT_004 to 2% (idempotency key A-1)");
    }

    private static String run(List<String> argv) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().put("ACTION_ID", "A-1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void appliesDefaultsToHandlersThatDoNotSetTheirOwn() {
        ExecutorConfig c = read("""
                trust: {public-keys: keys/public.pem}
                defaults: {timeout: 5s, retry: {attempts: 4, backoff-base: 100ms, backoff-max: 2s}}
                handlers:
                  STOP_RAMP: {type: command, argv: [echo, "{tenant}"]}
                  ALERT: {type: http, url: "http://127.0.0.1:9/hook", timeout: 250ms, retry: {attempts: 2}}
                """);

        HandlerSpec.Command stop = (HandlerSpec.Command) c.handlers().get(ActionType.STOP_RAMP);
        assertThat(stop.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(stop.retry()).isEqualTo(new RetrySpec(4, Duration.ofMillis(100), Duration.ofSeconds(2)));
        HandlerSpec.Http alert = (HandlerSpec.Http) c.handlers().get(ActionType.ALERT);
        assertThat(alert.timeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(alert.retry().attempts()).isEqualTo(2);
        assertThat(alert.retry().backoffBase()).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void refusesAnUnknownHandlerTypeNamingTheKeyAndTheAllowedTypes() {
        assertThatThrownBy(() -> read(minimal("  ALERT: {type: shell}\n")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("handlers.ALERT.type: 'shell' is not allowed (allowed: command, http, log)")
                .extracting(e -> ((ConfigException) e).key()).isEqualTo("handlers.ALERT.type");
    }

    @Test
    void refusesAnUnknownActionTypeListingTheKnownOnes() {
        assertThatThrownBy(() -> read(minimal("  REBOOT_EVERYTHING: {type: log}\n")))
                .hasMessageStartingWith("handlers.REBOOT_EVERYTHING: unknown action type (allowed: ROLLBACK_LAST_STEP, FREEZE_RAMP")
                .hasMessageNotContaining("UNKNOWN,");
        assertThatThrownBy(() -> read(minimal("  UNKNOWN: {type: log}\n")))
                .hasMessageStartingWith("handlers.UNKNOWN: unknown action type");
    }

    @Test
    void refusesAnUnknownPlaceholderAtStartup() {
        assertThatThrownBy(() -> read(minimal("  STOP_RAMP: {type: command, argv: [echo, \"--tenant={tenantt}\"]}\n")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("handlers.STOP_RAMP.argv: argv[1] '--tenant={tenantt}': unknown placeholder {tenantt} (allowed: {tenant}");
    }

    @Test
    void refusesATypoedKeyInsteadOfIgnoringIt() {
        assertThatThrownBy(() -> read(minimal("  STOP_RAMP: {type: command, argv: [echo], tmeout: 5s}\n")))
                .hasMessage("handlers.STOP_RAMP.tmeout: unknown key (allowed here: argv, env, output-cap, retry, timeout, type)");
        assertThatThrownBy(() -> read("dryrun: true\n" + minimal("  ALERT: {type: log}\n")))
                .hasMessage("dryrun: unknown key (allowed here: defaults, dry-run, handlers, kafka, topics, trust, wire)");
    }

    @Test
    void requiresAtLeastOneReadablePublicKey() {
        assertThatThrownBy(() -> read("handlers: {ALERT: {type: log}}\n"))
                .hasMessageStartingWith("trust.public-keys: is required");
        assertThatThrownBy(() -> read("trust: {public-keys: [keys/missing.pem]}\n"))
                .hasMessageStartingWith("trust.public-keys[0]: cannot read");
    }

    @Test
    void refusesAProgramPathThatIsNotAnExecutableFile() throws IOException {
        Files.writeString(dir.resolve("notexec.sh"), "#!/bin/sh\n");
        assertThatThrownBy(() -> read(minimal("  STOP_RAMP: {type: command, argv: [./notexec.sh]}\n")))
                .hasMessageContaining("handlers.STOP_RAMP.argv[0]: ")
                .hasMessageEndingWith("notexec.sh is not an executable file");
    }

    @Test
    void refusesBadDurationsAndRetryBounds() {
        assertThatThrownBy(() -> read(minimal("  STOP_RAMP: {type: command, argv: [echo], timeout: soon}\n")))
                .hasMessage("handlers.STOP_RAMP.timeout: 'soon' is not a duration (allowed: 250ms, 30s, 5m, 1h or ISO-8601 like PT30S)");
        assertThatThrownBy(() -> read(minimal("  STOP_RAMP: {type: command, argv: [echo], retry: {backoff-base: 10s, backoff-max: 1s}}\n")))
                .hasMessageStartingWith("handlers.STOP_RAMP.retry.backoff-max: ");
        assertThatThrownBy(() -> read(minimal("  STOP_RAMP: {type: command, argv: [echo], retry: {attempts: 0}}\n")))
                .hasMessage("handlers.STOP_RAMP.retry.attempts: 0 is out of range (allowed: 1..100)");
    }

    @Test
    void refusesHttpHandlersWithoutAnAbsoluteHttpUrlOrWithTheirOwnIdempotencyKey() {
        assertThatThrownBy(() -> read(minimal("  ALERT: {type: http, url: \"ftp://x/y\"}\n")))
                .hasMessage("handlers.ALERT.url: 'ftp://x/y' is not allowed (allowed: absolute http:// or https:// URLs)");
        assertThatThrownBy(() -> read(minimal("  ALERT: {type: http, url: \"http://h/y\", headers: {Idempotency-Key: x}}\n")))
                .hasMessageStartingWith("handlers.ALERT.headers.Idempotency-Key: is set by the executor");
        assertThatThrownBy(() -> read(minimal("  ALERT: {type: http, url: \"http://h/y\", headers: {Host: evil}}\n")))
                .hasMessage("handlers.ALERT.headers.Host: is managed by the HTTP client and cannot be configured");
    }

    @Test
    void environmentOverridesSingleValues() {
        ExecutorConfig c = read(minimal("  ALERT: {type: log}\n"), Map.of(
                "TRIPWIRE_EXECUTOR_DRY_RUN", "true",
                "TRIPWIRE_EXECUTOR_KAFKA_BOOTSTRAP_SERVERS", "broker-1:9093",
                "TRIPWIRE_EXECUTOR_TOPICS_DEAD_LETTER", "dlq",
                "TRIPWIRE_EXECUTOR_WIRE_FORMAT", "json"));

        assertThat(c.dryRun()).isTrue();
        assertThat(c.kafka().bootstrapServers()).isEqualTo("broker-1:9093");
        assertThat(c.topics().deadLetter()).isEqualTo("dlq");
        assertThat(c.wire().format()).isEqualTo(WireSettings.Format.JSON);
    }

    @Test
    void aBadEnvironmentOverrideIsReportedUnderItsKey() {
        assertThatThrownBy(() -> read(minimal("  ALERT: {type: log}\n"), Map.of("TRIPWIRE_EXECUTOR_DRY_RUN", "yes")))
                .hasMessage("dry-run: 'yes' is not allowed (allowed: true, false)");
        assertThat(ExecutorConfigLoader.envName("kafka.bootstrap-servers")).isEqualTo("TRIPWIRE_EXECUTOR_KAFKA_BOOTSTRAP_SERVERS");
    }
}
