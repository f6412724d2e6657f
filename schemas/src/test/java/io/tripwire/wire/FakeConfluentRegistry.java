package io.tripwire.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Just enough of Confluent's REST API, on the JDK's HttpServer, recording every request it gets. */
final class FakeConfluentRegistry implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern REGISTER = Pattern.compile("/subjects/([^/]+)/versions");
    private static final Pattern LATEST = Pattern.compile("/subjects/([^/]+)/versions/latest");
    private static final Pattern BY_ID = Pattern.compile("/schemas/ids/(\\d+)");

    private final HttpServer server;
    private final String expectedAuthorization;
    final List<String> requests = new CopyOnWriteArrayList<>();
    final List<String> contentTypes = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> idBySchema = new HashMap<>();
    private final Map<Integer, String> schemaById = new HashMap<>();
    private final Map<String, List<Integer>> versions = new HashMap<>();

    FakeConfluentRegistry(String user, String password) throws IOException {
        this.expectedAuthorization = user == null ? null
                : "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private synchronized void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        requests.add(ex.getRequestMethod() + " " + path);
        String ct = ex.getRequestHeaders().getFirst("Content-Type");
        if (ct != null) {
            contentTypes.add(ct);
        }
        if (expectedAuthorization != null && !expectedAuthorization.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            reply(ex, 401, Map.of("error_code", 401, "message", "Unauthorized"));
            return;
        }
        Matcher m;
        if (ex.getRequestMethod().equals("POST") && (m = REGISTER.matcher(path)).matches()) {
            String subject = URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
            JsonNode body = JSON.readTree(ex.getRequestBody());
            String schema = body.get("schema").asText();
            if (schema.contains("\"Forbidden\"")) {
                reply(ex, 409, Map.of("error_code", 409, "message", "Schema being registered is incompatible with an earlier schema"));
                return;
            }
            int id = idBySchema.computeIfAbsent(schema, s -> schemaById.size() + 1);
            schemaById.put(id, schema);
            List<Integer> v = versions.computeIfAbsent(subject, s -> new ArrayList<>());
            if (!v.contains(id)) {
                v.add(id);
            }
            reply(ex, 200, Map.of("id", id));
        } else if (ex.getRequestMethod().equals("GET") && (m = LATEST.matcher(path)).matches()) {
            String subject = URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
            List<Integer> v = versions.get(subject);
            if (v == null) {
                reply(ex, 404, Map.of("error_code", 40401, "message", "Subject '" + subject + "' not found."));
                return;
            }
            int id = v.get(v.size() - 1);
            reply(ex, 200, Map.of("subject", subject, "version", v.size(), "id", id, "schema", schemaById.get(id)));
        } else if (ex.getRequestMethod().equals("GET") && (m = BY_ID.matcher(path)).matches()) {
            String schema = schemaById.get(Integer.parseInt(m.group(1)));
            if (schema == null) {
                reply(ex, 404, Map.of("error_code", 40403, "message", "Schema " + m.group(1) + " not found"));
                return;
            }
            reply(ex, 200, Map.of("schema", schema));
        } else {
            reply(ex, 404, Map.of("error_code", 404, "message", "HTTP 404 Not Found"));
        }
    }

    private static void reply(HttpExchange ex, int status, Map<String, ?> body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().add("Content-Type", HttpSchemaRegistry.CONTENT_TYPE);
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }
}
