package io.tripwire.wire;

import org.apache.kafka.common.config.ConfigException;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Picks a {@link SchemaRegistry} from serde configuration, with the keys Confluent's serde uses:
 * <ul>
 *   <li>{@code schema.registry.url}: {@code mock://NAME} (the in-process registry shared by NAME)
 *       or one or more comma-separated {@code http(s)://} URLs (the first that answers is used);</li>
 *   <li>{@code basic.auth.user.info}: {@code user:password}, sent when
 *       {@code basic.auth.credentials.source} is {@code USER_INFO} (the default when user info is
 *       set); with source {@code URL} the credentials come from the URL's user-info part;</li>
 *   <li>{@code http.connect.timeout.ms} (default 10000) and {@code http.read.timeout.ms}
 *       (default 30000).</li>
 * </ul>
 */
public final class SchemaRegistries {

    /** Registry URL(s); required. */
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    /** Whether the serializer registers the record's schema (default true). */
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    /** {@code user:password} for HTTP basic auth. */
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    /** Where basic-auth credentials come from: {@code USER_INFO} or {@code URL}. */
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    /** Connect timeout to the registry, in milliseconds. */
    public static final String HTTP_CONNECT_TIMEOUT_MS = "http.connect.timeout.ms";
    /** Timeout of one registry request, in milliseconds. */
    public static final String HTTP_READ_TIMEOUT_MS = "http.read.timeout.ms";
    /** The scheme of the in-process registry. */
    public static final String MOCK_SCHEME = "mock://";

    private SchemaRegistries() {
    }

    /**
     * The registry named by {@code configs}.
     *
     * @throws ConfigException when {@code schema.registry.url} is missing, empty or not a
     *                         {@code mock://} or {@code http(s)://} URL, or the auth settings do not fit
     */
    public static SchemaRegistry fromConfig(Map<String, ?> configs) {
        Object raw = configs.get(SCHEMA_REGISTRY_URL);
        String urls = raw == null ? "" : (raw instanceof List<?> l ? String.join(",", l.stream().map(String::valueOf).toList()) : raw.toString());
        List<String> parts = new ArrayList<>();
        for (String p : urls.split(",")) {
            if (!p.isBlank()) {
                parts.add(p.trim());
            }
        }
        if (parts.isEmpty()) {
            throw new ConfigException("'" + SCHEMA_REGISTRY_URL + "' is not set: give mock://NAME for the in-process "
                    + "registry or the http(s):// URL of a Confluent-compatible schema registry");
        }
        if (parts.get(0).startsWith(MOCK_SCHEME)) {
            String name = parts.get(0).substring(MOCK_SCHEME.length());
            if (name.isEmpty()) {
                throw new ConfigException(SCHEMA_REGISTRY_URL, parts.get(0), "mock:// needs a name, e.g. mock://demo");
            }
            return MockSchemaRegistry.forName(name);
        }
        List<URI> uris = new ArrayList<>();
        for (String p : parts) {
            uris.add(httpUri(p));
        }
        return new HttpSchemaRegistry(uris, userInfo(configs, uris.get(0)),
                Duration.ofMillis(millis(configs, HTTP_CONNECT_TIMEOUT_MS, 10_000)),
                Duration.ofMillis(millis(configs, HTTP_READ_TIMEOUT_MS, 30_000)));
    }

    private static URI httpUri(String text) {
        URI uri;
        try {
            uri = URI.create(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(SCHEMA_REGISTRY_URL, redact(text), "not a URL: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new ConfigException(SCHEMA_REGISTRY_URL, redact(text),
                    "expected mock://NAME or http(s)://host:port (a list may not mix mock:// with http)");
        }
        return uri;
    }

    private static String userInfo(Map<String, ?> configs, URI first) {
        Object info = configs.get(BASIC_AUTH_USER_INFO);
        Object source = configs.get(BASIC_AUTH_CREDENTIALS_SOURCE);
        String src = source == null ? "USER_INFO" : source.toString().trim().toUpperCase();
        switch (src) {
            case "USER_INFO":
                return info == null || info.toString().isEmpty() ? null : info.toString();
            case "URL":
                return first.getUserInfo();
            default:
                throw new ConfigException(BASIC_AUTH_CREDENTIALS_SOURCE, source, "supported: USER_INFO, URL");
        }
    }

    private static long millis(Map<String, ?> configs, String key, long dflt) {
        Object v = configs.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            long ms = v instanceof Number n ? n.longValue() : Long.parseLong(v.toString().trim());
            if (ms <= 0) {
                throw new ConfigException(key, v, "must be a positive number of milliseconds");
            }
            return ms;
        } catch (NumberFormatException e) {
            throw new ConfigException(key, v, "must be a positive number of milliseconds");
        }
    }

    private static String redact(String url) {
        int at = url.indexOf('@');
        int scheme = url.indexOf("://");
        return at > 0 && scheme > 0 && at > scheme ? url.substring(0, scheme + 3) + "***@" + url.substring(at + 1) : url;
    }
}
