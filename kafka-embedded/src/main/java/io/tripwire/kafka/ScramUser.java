package io.tripwire.kafka;

import java.util.Objects;

/** A SCRAM-SHA-512 user created when the broker's storage is formatted. */
record ScramUser(String name, String password) {

    ScramUser {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(password, "password");
        // StorageTool parses "[name=...,password=...]" and the JAAS line is quoted:
        // refuse characters that would need escaping rather than escape them subtly wrong.
        for (String s : new String[] {name, password}) {
            if (s.isEmpty() || s.chars().anyMatch(c -> c == '"' || c == ',' || c == '[' || c == ']'
                    || c == '=' || c == '\\' || Character.isWhitespace(c))) {
                throw new IllegalArgumentException(
                        "SCRAM user name and password must be non-empty, without quotes, commas,"
                                + " brackets, '=', backslashes or whitespace");
            }
        }
    }

    /** The value of StorageTool's {@code --add-scram}. */
    String storageToolArgument() {
        return BrokerProperties.SCRAM_MECHANISM + "=[name=" + name + ",password=" + password + "]";
    }

    String jaasConfig() {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + name + "\" password=\"" + password + "\";";
    }

    @Override
    public String toString() {
        return "ScramUser[name=" + name + ", password=***]";
    }
}
