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
        subcommands = {RunCommand.class, ProduceCommand.class, OverrideCommand.class, ReplayCommand.class, KeysCommand.class, io.tripwire.cli.bench.BenchCommand.class, VersionCommand.class, CommandLine.HelpCommand.class})
public final class TripwireCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new TripwireCli()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
