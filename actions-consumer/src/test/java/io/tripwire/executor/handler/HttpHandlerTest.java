package io.tripwire.executor.handler;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tripwire.executor.TestActions;
import io.tripwire.executor.config.HandlerSpec;
import io.tripwire.executor.config.RetrySpec;
import io.tripwire.json.ActionJson;
import io.tripwire.schemas.ActionType;
import io.tripwire.schemas.TripwireAction;
import io.tripwire.signing.ActionVerifier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class HttpHandlerTest {

    private static final RetrySpec FOUR_FAST = new RetrySpec(4, Duration.ofMillis(1), Duration.ofMillis(10));
    private static final TestActions ACTIONS = TestActions.withFreshKey();

    private Webhook hook;
    private final TripwireAction action = ACTIONS.signed("TENANT_004", ActionType.OPEN_INCIDENT, null, Map.of("severity", "page"));

    @BeforeEach
    void start() throws Exception {
        hook = new Webhook();
    }

    @AfterEach
    void stop() {
        hook.close();
    }

    private HttpHandler handler(URI url, Duration timeout) {
        return new HttpHandler(new HandlerSpec.Http(url, timeout, FOUR_FAST, Map.of("X-Team", "sre")), new SplittableRandom(3));
    }

    @Test
    void retriesA503AndSucceedsWithTheSameIdempotencyKeyEachTime() throws Exception {
        hook.answer(200, 503, 503);

        HandlerResult r = handler(hook.url(), Duration.ofSeconds(5)).run(action);

        assertThat(r.succeeded()).isTrue();
        assertThat(r.attempts()).isEqualTo(3);
        assertThat(r.detail()).startsWith("POST " + hook.url() + " answered HTTP 200");
        assertThat(r.outputDigest()).hasSize(64);
        assertThat(hook.requests()).hasSize(3).allSatisfy(req -> {
            assertThat(req.method()).isEqualTo("POST");
            assertThat(req.idempotencyKey()).isEqualTo(action.getActionId());
            assertThat(req.contentType()).isEqualTo("application/json");
        });
    }

    @Test
    void postsTheSignedJsonFormSoTheReceiverCanVerifyIt() throws Exception {
        handler(hook.url(), Duration.ofSeconds(5)).run(action);

        @SuppressWarnings("unchecked")
        Map<String, Object> body = new ObjectMapper().readValue(hook.requests().get(0).body(), Map.class);
        TripwireAction received = ActionJson.fromMap(body);
        assertThat(received).isEqualTo(action);
        assertThat(new ActionVerifier(List.of(ACTIONS.keys().getPublic())).verify(received)).isEqualTo(ActionVerifier.Verdict.VALID);
    }

    @Test
    void a400IsFinalAndNotRetried() throws Exception {
        hook.answer(200, 400);

        HandlerResult r = handler(hook.url(), Duration.ofSeconds(5)).run(action);

        assertThat(r.succeeded()).isFalse();
        assertThat(r.attempts()).isEqualTo(1);
        assertThat(r.detail()).isEqualTo("POST " + hook.url() + " answered HTTP 400 (attempt 1/4)");
        assertThat(hook.requests()).hasSize(1);
    }

    @Test
    void persistent5xxFailsAfterTheConfiguredAttempts() throws Exception {
        hook.answer(502);

        HandlerResult r = handler(hook.url(), Duration.ofSeconds(5)).run(action);

        assertThat(r.succeeded()).isFalse();
        assertThat(r.attempts()).isEqualTo(4);
        assertThat(r.detail()).endsWith("answered HTTP 502 (attempt 4/4, retries exhausted)");
        assertThat(hook.requests()).hasSize(4);
    }

    @Test
    void aTimeoutIsRetried() throws Exception {
        hook.delay(1_000);

        HandlerResult r = handler(hook.url(), Duration.ofMillis(200)).run(action);

        assertThat(r.succeeded()).isFalse();
        assertThat(r.attempts()).isEqualTo(4);
        assertThat(r.detail()).contains("timed out after 200 ms");
    }

    @Test
    void aRefusedConnectionIsRetried() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }

        HandlerResult r = handler(URI.create("http://127.0.0.1:" + closedPort + "/hook"), Duration.ofSeconds(2)).run(action);

        assertThat(r.succeeded()).isFalse();
        assertThat(r.attempts()).isEqualTo(4);
        assertThat(r.detail()).contains("failed: ConnectException");
    }
}
