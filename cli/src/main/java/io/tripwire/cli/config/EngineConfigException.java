package io.tripwire.cli.config;

/** A bad engine config: the message names the file (or environment variable), the key and what is allowed. */
public final class EngineConfigException extends RuntimeException {

    public EngineConfigException(String message) {
        super(message);
    }
}
