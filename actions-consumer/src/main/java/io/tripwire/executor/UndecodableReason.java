package io.tripwire.executor;

/** The {@code tripwire.reason} of a record that could not be decoded. */
final class UndecodableReason {

    private UndecodableReason() {
    }

    static String of(RuntimeException e) {
        return "UNDECODABLE";
    }
}
