package io.tripwire.executor.handler;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tripwire.executor.config.HandlerSpec;
import io.tripwire.json.ActionJson;
import io.tripwire.schemas.TripwireAction;
import io.tripwire.signing.Sha256;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.random.RandomGenerator;

/**
 * POSTs the action's JSON form (SPEC section 4, signature included, so the receiver can verify it)
 * to a webhook with {@code Idempotency-Key: <actionId>}. A 2xx response is success; 5xx, a timeout
 * or a connection failure is retried with backoff; any other status (4xx, an unfollowed redirect)
 * is final: the receiver refused the request and sending it again would not change its mind.
 */
public final class HttpHandler implements ActionHandler {

    /** The header carrying the actionId. */
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HandlerSpec.Http spec;
    private final HttpClient client;
    private final Retrier retrier;

    public HttpHandler(HandlerSpec.Http spec, RandomGenerator random) {
        this.spec = spec;
        this.client = HttpClient.newBuilder()
                .connectTimeout(spec.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.retrier = new Retrier(spec.retry(), random);
    }

    @Override
    public String kind() {
        return "http";
    }

    @Override
    public boolean sideEffecting() {
        return true;
    }

    @Override
    public String describe(TripwireAction action) {
        return "would POST " + action.getAction() + " to " + spec.url() + " with " + IDEMPOTENCY_KEY + ": "
                + action.getActionId() + ", timeout " + spec.timeout().toMillis() + " ms, up to "
                + spec.retry().attempts() + " attempts";
    }

    @Override
    public HandlerResult run(TripwireAction action) throws InterruptedException {
        String body;
        try {
            body = JSON.writeValueAsString(ActionJson.toMap(action, true));
        } catch (JsonProcessingException e) {
            return new HandlerResult(false, 0, 0, "not sent: cannot write JSON: " + e.getMessage(), null, null);
        }
        HttpRequest.Builder rb = HttpRequest.newBuilder(spec.url())
                .timeout(spec.timeout())
                .header("Content-Type", "application/json")
                .header(IDEMPOTENCY_KEY, action.getActionId());
        spec.headers().forEach(rb::header);
        HttpRequest request = rb.POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return retrier.run(attempt -> once(request));
    }

    private Attempt once(HttpRequest request) throws InterruptedException {
        HttpResponse<byte[]> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpTimeoutException e) {
            return Attempt.retryable("POST " + spec.url() + " timed out after " + spec.timeout().toMillis() + " ms", null, null);
        } catch (IOException e) {
            return Attempt.retryable("POST " + spec.url() + " failed: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()), null, null);
        }
        int status = response.statusCode();
        String digest = Sha256.hex(response.body());
        String text = "POST " + spec.url() + " answered HTTP " + status;
        if (status >= 200 && status < 300) {
            return Attempt.success(text, null, digest);
        }
        return status >= 500 ? Attempt.retryable(text, null, digest) : Attempt.fail(text, null, digest);
    }
}
