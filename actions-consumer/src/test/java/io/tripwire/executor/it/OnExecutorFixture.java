package io.tripwire.executor.it;

import io.tripwire.kafka.EmbeddedKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** What the executor ITs share: one in-JVM broker per class, and a fresh {@link ExecutorFixture} per test. */
abstract class OnExecutorFixture {

    static EmbeddedKafka kafka;

    @TempDir
    Path root;
    ExecutorFixture f;

    /** Partitions of the fixture's action topic. */
    abstract int partitions();

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.builder().build().start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    @BeforeEach
    void deploy() {
        f = new ExecutorFixture(kafka, root, partitions());
    }

    @AfterEach
    void undeploy() {
        f.close();
    }
}
