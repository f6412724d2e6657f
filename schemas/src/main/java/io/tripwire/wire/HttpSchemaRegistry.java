package io.tripwire.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A client of the Confluent Schema Registry REST API (also spoken by Redpanda, Karapace and
 * Apicurio's compatibility endpoint), on {@link java.net.http.HttpClient}:
 * <ul>
 *   <li>{@code POST /subjects/{subject}/versions} with {@code {"schema":"..."}} gives {@code {"id":N}};</li>
 *   <li>{@code GET /schemas/ids/{id}} gives {@code {"schema":"..."}};</li>
 *   <li>{@code GET /subjects/{subject}/versions/latest} gives {@code {"subject","version","id","schema"}}.</li>
 * </ul>
 * Ids are cached both ways (a schema id never changes its schema), so a running serde makes one
 * call per new schema, not one per record; {@link #latest} is not cached. With several base URLs,
 * each request goes to the one that last answered and moves on to the next when a registry cannot
 * be reached. Basic-auth credentials are sent on every request and never appear in messages or
 * {@link #toString()}.
 */
public final class HttpSchemaRegistry implements SchemaRegistry {

    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<URI> baseUrls;
    private final String authorization;
    private final Duration requestTimeout;
    private final HttpClient client;
    private final Map<String, Integer> idBySubjectAndSchema = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemaById = new ConcurrentHashMap<>();
    private volatile int current;

    /**
     * @param baseUrls       one or more registry base URLs ({@code http(s)://host:port[/path]}), tried in order
     * @param userInfo       {@code user:password} for HTTP basic auth, or null for none
     * @param connectTimeout how long to wait for a connection to one registry
     * @param requestTimeout how long to wait for one answer
     */
    public HttpSchemaRegistry(List<URI> baseUrls, String userInfo, Duration connectTimeout, Duration requestTimeout) {
        if (baseUrls.isEmpty()) {
            throw new IllegalArgumentException("at least one schema registry URL is needed");
        }
        this.baseUrls = List.copyOf(baseUrls);
        this.authorization = userInfo == null || userInfo.isEmpty() ? null
                : "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
        this.requestTimeout = Objects.requireNonNull(requestTimeout);
        this.client = HttpClient.newBuilder().connectTimeout(connectTimeout).build();
    }

    @Override
    public int register(String subject, Schema schema) {
        String text = schema.toString();
        Integer cached = idBySubjectAndSchema.get(subject + '\n' + text);
        if (cached != null) {
            return cached;
        }
        String body;
        try {
            body = JSON.writeValueAsString(Map.of("schema", text));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a JSON string", e);
        }
        JsonNode answer = send("POST", "/subjects/" + encode(subject) + "/versions", body);
        int id = requiredInt(answer, "id", "POST /subjects/" + subject + "/versions");
        idBySubjectAndSchema.put(subject + '\n' + text, id);
        schemaById.putIfAbsent(id, schema);
        return id;
    }

    @Override
    public Schema byId(int id) {
        Schema cached = schemaById.get(id);
        if (cached != null) {
            return cached;
        }
        String what = "GET /schemas/ids/" + id;
        Schema schema = parse(requiredText(send("GET", "/schemas/ids/" + id, null), "schema", what), what);
        schemaById.putIfAbsent(id, schema);
        return schema;
    }

    @Override
    public RegisteredSchema latest(String subject) {
        String what = "GET /subjects/" + subject + "/versions/latest";
        JsonNode answer = send("GET", "/subjects/" + encode(subject) + "/versions/latest", null);
        int id = requiredInt(answer, "id", what);
        Schema schema = parse(requiredText(answer, "schema", what), what);
        schemaById.putIfAbsent(id, schema);
        return new RegisteredSchema(subject, requiredInt(answer, "version", what), id, schema);
    }

    @Override
    public String location() {
        List<String> shown = new ArrayList<>();
        for (URI u : baseUrls) {
            shown.add(withoutUserInfo(u));
        }
        return String.join(",", shown);
    }

    @Override
    public String toString() {
        return "HttpSchemaRegistry[" + location() + "]";
    }

    /** Sends one request, failing over to the next base URL when a registry cannot be reached. */
    private JsonNode send(String method, String path, String body) {
        IOException lastFailure = null;
        int start = current;
        for (int i = 0; i < baseUrls.size(); i++) {
            int index = (start + i) % baseUrls.size();
            URI base = baseUrls.get(index);
            HttpResponse<String> response;
            try {
                response = client.send(request(base, method, path, body), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                lastFailure = e;
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryException(SchemaRegistryException.NO_ANSWER, 0,
                        "interrupted while calling schema registry " + withoutUserInfo(base), e);
            }
            current = index;
            return answer(base, method, path, response);
        }
        throw new SchemaRegistryException(SchemaRegistryException.NO_ANSWER, 0,
                "no schema registry answered " + method + " " + path + " (tried " + location() + "): "
                        + lastFailure, lastFailure);
    }

    private HttpRequest request(URI base, String method, String path, String body) {
        String root = withoutUserInfo(base);
        if (root.endsWith("/")) {
            root = root.substring(0, root.length() - 1);
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(root + path))
                .timeout(requestTimeout)
                .header("Accept", CONTENT_TYPE);
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        if (body == null) {
            b.GET();
        } else {
            b.header("Content-Type", CONTENT_TYPE).method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return b.build();
    }

    private static JsonNode answer(URI base, String method, String path, HttpResponse<String> response) {
        JsonNode json;
        try {
            json = JSON.readTree(response.body());
        } catch (IOException e) {
            json = null;
        }
        int status = response.statusCode();
        if (status / 100 == 2 && json != null && json.isObject()) {
            return json;
        }
        String where = "schema registry " + withoutUserInfo(base) + " answered " + status + " to " + method + " " + path;
        if (status / 100 == 2) {
            throw new SchemaRegistryException(status, 0, where + " with a body that is not a JSON object");
        }
        int errorCode = json != null && json.path("error_code").isInt() ? json.get("error_code").asInt() : 0;
        String message = json != null && json.path("message").isTextual() ? json.get("message").asText()
                : abbreviate(response.body());
        throw new SchemaRegistryException(status, errorCode,
                where + (errorCode != 0 ? ": error_code " + errorCode + ", " : ": ") + message);
    }

    private static int requiredInt(JsonNode answer, String field, String what) {
        JsonNode v = answer.get(field);
        if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new SchemaRegistryException(200, 0, "schema registry answer to " + what + " has no integer '" + field + "'");
        }
        return v.asInt();
    }

    private static String requiredText(JsonNode answer, String field, String what) {
        JsonNode v = answer.get(field);
        if (v == null || !v.isTextual()) {
            throw new SchemaRegistryException(200, 0, "schema registry answer to " + what + " has no text '" + field + "'");
        }
        return v.asText();
    }

    private static Schema parse(String text, String what) {
        try {
            return new Schema.Parser().parse(text);
        } catch (SchemaParseException e) {
            throw new SchemaRegistryException(200, 0, "schema registry answer to " + what + " is not an Avro schema: " + e.getMessage(), e);
        }
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String withoutUserInfo(URI u) {
        if (u.getRawUserInfo() == null) {
            return u.toString();
        }
        return u.toString().replace(u.getRawUserInfo() + "@", "");
    }

    private static String abbreviate(String body) {
        String oneLine = body == null ? "" : body.replaceAll("\\s+", " ").trim();
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
    }
}
