package io.tripwire.cli.config;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Masks secrets before a setting is logged: the value of any key that names a password, JAAS
 * config, secret, key or credential becomes {@code ***}, and user:password in a URL is hidden.
 */
public final class Redact {

    /** What a masked value prints as. */
    public static final String MASK = "***";

    // "key" also catches ssl.key.password, ssl.keystore.*, signing-key; better one masked path than one leaked secret
    private static final String[] SECRET_WORDS = {"password", "jaas", "secret", "key", "token", "credential", "user.info"};
    private static final Pattern URL_USER_INFO = Pattern.compile("(?<=://)[^/@\\s]+@");

    private Redact() {
    }

    /** Whether the value of {@code key} must not be shown. */
    public static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        for (String w : SECRET_WORDS) {
            if (k.contains(w)) {
                return true;
            }
        }
        return false;
    }

    /** The value as it may be logged: masked for a secret key, URL credentials hidden otherwise. */
    public static String value(String key, Object value) {
        if (value == null) {
            return "null";
        }
        if (isSecret(key)) {
            return MASK;
        }
        return URL_USER_INFO.matcher(value.toString()).replaceAll(MASK + "@");
    }

    /** A sorted copy of {@code settings} with every value passed through {@link #value}. */
    public static Map<String, String> map(Map<String, ?> settings) {
        Map<String, String> out = new TreeMap<>();
        settings.forEach((k, v) -> out.put(k, value(k, v)));
        return out;
    }
}
