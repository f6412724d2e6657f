package io.tripwire.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code ./tripwire}: one sub-command per job. */
@Command(name = "tripwire",
        mixinStandardHelpOptions = true,
        versionProvider = ProjectVersion.class,
        description = {
            "Kafka Streams tripwire engine: per-tenant SLO, policy and autonomy tripwires",
            "that fire within a second and emit signed, deduplicable action commands."},
        subcommands = {io.tripwire.cli.demo.DemoCommand.class, RunCommand.class, ExecuteCommand.class, ProduceCommand.class,
            OverrideCommand.class, io.tripwire.cli.opa.OpaLogsCommand.class, ReplayCommand.class, io.tripwire.cli.gate.GateCommand.class, io.tripwire.cli.evidence.EvidenceCommand.class, KeysCommand.class, io.tripwire.cli.bench.BenchCommand.class,
            VersionCommand.class, CommandLine.HelpCommand.class})
public final class TripwireCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        logLevels(System.getenv());
        // Numbers print the same on every host. Also a hot-path fix: Kafka Streams 4.4 formats a
        // readiness message with String.format for every record of a task that has an empty input
        // partition (KAFKA-19682); outside Locale.US each call builds a DecimalFormatSymbols first.
        java.util.Locale.setDefault(java.util.Locale.Category.FORMAT, java.util.Locale.US);
        System.exit(new CommandLine(new TripwireCli()).execute(args));
    }

    /**
     * Log levels from the environment, applied before any logger exists (slf4j-simple reads them once):
     * TRIPWIRE_LOG_LEVEL for tripwire's own loggers (default info; decision lines are info),
     * TRIPWIRE_KAFKA_LOG_LEVEL for Kafka's (default warn). Finer control:
     * TRIPWIRE_JAVA_OPTS="-Dorg.slf4j.simpleLogger.log.LOGGER=LEVEL".
     */
    static void logLevels(java.util.Map<String, String> env) {
        String own = env.get("TRIPWIRE_LOG_LEVEL");
        if (own != null && !own.isBlank()) {
            System.setProperty("org.slf4j.simpleLogger.log.io.tripwire", own.trim().toLowerCase(java.util.Locale.ROOT));
        }
        String kafka = env.get("TRIPWIRE_KAFKA_LOG_LEVEL");
        if (kafka != null && !kafka.isBlank()) {
            for (String logger : new String[] {"kafka", "org.apache.kafka", "state.change.logger"}) {
                System.setProperty("org.slf4j.simpleLogger.log." + logger, kafka.trim().toLowerCase(java.util.Locale.ROOT));
            }
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
