package io.tripwire.cli.reliability;

import io.tripwire.kafka.EmbeddedKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

import java.util.ArrayList;
import java.util.List;

/**
 * What the reliability ITs share: one in-JVM broker per test class, and everything a test started
 * (engine processes, feeds, readers), closed after the test in reverse order of starting.
 */
abstract class OnBroker {

    static EmbeddedKafka kafka;
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.builder().build().start();
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (AutoCloseable c : cleanup) {
            c.close();
        }
    }

    /** Closes {@code c} after the test (before what was started earlier). */
    <T extends AutoCloseable> T closeLater(T c) {
        cleanup.add(0, c);
        return c;
    }
}
