package io.tripwire.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs an {@link EmbeddedKafka} in its own JVM, for benchmarks and tests that need the broker in a
 * separate process. Prints {@code BOOTSTRAP=<host:port>} on stdout once the broker is ready, then
 * runs until stdin closes or the process gets SIGTERM. (So {@code < /dev/null} stops it at once:
 * keep stdin open, e.g. from a pipe.) Logs go to stderr.
 *
 * <pre>
 * java -cp cli/target/tripwire.jar io.tripwire.kafka.EmbeddedKafkaMain \
 *     [--log-dir DIR] [--partitions N] [--topics a,b,...] [--scram USER:PASSWORD] [broker.property=value ...]
 * </pre>
 */
public final class EmbeddedKafkaMain {

    private EmbeddedKafkaMain() {
    }

    public static void main(String[] args) throws IOException {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println("usage: EmbeddedKafkaMain [--log-dir DIR] [--partitions N] [--topics a,b,...]"
                    + " [--scram USER:PASSWORD] [broker.property=value ...]");
            System.exit(2);
            return;
        }
        EmbeddedKafka kafka = options.builder.build();
        Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "embedded-kafka-shutdown"));
        kafka.start();
        if (!options.topics.isEmpty()) {
            kafka.createTopics(options.partitions, options.topics.toArray(String[]::new));
        }
        System.out.println("BOOTSTRAP=" + kafka.bootstrapServers());
        System.out.flush();

        drain(System.in);
        kafka.close();
        System.exit(0);
    }

    /** Blocks until the stream ends: the parent closed our stdin (or died). */
    private static void drain(InputStream in) throws IOException {
        byte[] buffer = new byte[256];
        while (in.read(buffer) != -1) {
            // input is ignored; only its end matters
        }
    }

    private static final class Options {
        final EmbeddedKafka.Builder builder = EmbeddedKafka.builder();
        final List<String> topics = new ArrayList<>();
        int partitions = 1;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--log-dir" -> o.builder.logDir(Path.of(value(args, ++i, arg)));
                    case "--partitions" -> {
                        o.partitions = Integer.parseInt(value(args, ++i, arg));
                        o.builder.defaultPartitions(o.partitions);
                    }
                    case "--topics" -> o.topics.addAll(List.of(value(args, ++i, arg).split(",")));
                    case "--scram" -> {
                        String[] userAndPassword = value(args, ++i, arg).split(":", 2);
                        if (userAndPassword.length != 2) {
                            throw new IllegalArgumentException("--scram needs USER:PASSWORD");
                        }
                        o.builder.withScram(userAndPassword[0], userAndPassword[1]);
                    }
                    default -> {
                        int eq = arg.indexOf('=');
                        if (arg.startsWith("-") || eq < 1) {
                            throw new IllegalArgumentException("unknown argument " + arg);
                        }
                        o.builder.brokerProperty(arg.substring(0, eq), arg.substring(eq + 1));
                    }
                }
            }
            return o;
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[i];
        }
    }
}
