package io.tripwire.executor;

import io.tripwire.wire.AvroTrust;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs once per test JVM, before the first test:
 * <ul>
 *   <li>the build points {@code java.io.tmpdir} at {@code target/test-tmp} (or {@code it-tmp})
 *       without creating it, and {@code @TempDir} needs it;</li>
 *   <li>tests copy Avro records holding enums ({@code TripwireAction.newBuilder(a)}), which Avro
 *       1.12.2 refuses until the generated package is trusted.</li>
 * </ul>
 */
public final class TestJvmSetup implements LauncherSessionListener {

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        try {
            Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        AvroTrust.ensure();
    }
}
