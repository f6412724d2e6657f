package io.tripwire.wire;

import io.tripwire.schemas.RequestLatency;
import io.tripwire.testing.SampleRecords;

/** Run in a fresh JVM by {@link AvroTrustTest}: copies a generated record before touching any serde. */
public final class FreshJvmCopy {

    private FreshJvmCopy() {
    }

    public static void main(String[] args) {
        RequestLatency copy = RequestLatency.newBuilder(SampleRecords.request()).setStatus(503).build();
        System.out.println("copied " + copy.getOp() + " " + copy.getStatus());
    }
}
