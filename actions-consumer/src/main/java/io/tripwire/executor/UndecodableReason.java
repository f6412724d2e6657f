package io.tripwire.executor;

import io.tripwire.wire.DecodeException;

/** The {@code tripwire.reason} of a record that could not be decoded: the decoder's own code, as the engine writes it. */
final class UndecodableReason {

    private UndecodableReason() {
    }

    static String of(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof DecodeException d) {
                return d.reason();
            }
        }
        return "undecodable";
    }
}
