package io.tripwire.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;

/** Runs {@code kafka-storage format} in-process, the way {@code bin/kafka-storage.sh} would. */
final class StorageFormatter {

    private StorageFormatter() {
    }

    /** Formats the log dir unless it already holds a cluster (a restart, or a reused log dir). */
    static void formatIfNeeded(BrokerProperties broker) {
        if (Files.exists(broker.logDir().resolve("meta.properties"))) {
            return;
        }
        Path propsFile = null;
        try {
            Files.createDirectories(broker.logDir());
            // Build tools point java.io.tmpdir at target/... without always creating it.
            Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
            propsFile = Files.createTempFile("embedded-kafka-", ".properties");
            try (OutputStream out = Files.newOutputStream(propsFile)) {
                broker.toProperties().store(out, "embedded Kafka broker");
            }
            format(propsFile, broker);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot format Kafka log dir " + broker.logDir(), e);
        } finally {
            if (propsFile != null) {
                propsFile.toFile().delete();
            }
        }
    }

    private static void format(Path propsFile, BrokerProperties broker) {
        List<String> args = new ArrayList<>(List.of("format",
                "-t", Uuid.randomUuid().toString(), "-c", propsFile.toString(), "--standalone"));
        broker.scram().ifPresent(user -> {
            args.add("--add-scram");
            args.add(user.storageToolArgument());
        });
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int exitCode;
        try (PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            exitCode = StorageTool.execute(args.toArray(String[]::new), out);
        } catch (RuntimeException e) {
            throw new IllegalStateException("formatting Kafka log dir " + broker.logDir() + " failed: "
                    + e.getMessage() + "\n" + output.toString(StandardCharsets.UTF_8), e);
        }
        if (exitCode != 0) {
            throw new IllegalStateException("formatting Kafka log dir " + broker.logDir()
                    + " failed with exit code " + exitCode + ":\n" + output.toString(StandardCharsets.UTF_8));
        }
    }
}
