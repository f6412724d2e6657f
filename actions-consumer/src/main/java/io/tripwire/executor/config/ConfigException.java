package io.tripwire.executor.config;

/** A configuration error found at startup, naming the key and what is allowed. */
public final class ConfigException extends RuntimeException {

    private final String key;

    public ConfigException(String key, String message) {
        super(key.isEmpty() ? message : key + ": " + message);
        this.key = key;
    }

    /** The dotted key the error is about, e.g. {@code handlers.ALERT.type}; empty for the whole file. */
    public String key() {
        return key;
    }
}
