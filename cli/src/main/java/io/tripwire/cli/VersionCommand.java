package io.tripwire.cli;

import picocli.CommandLine.Command;

/** {@code tripwire version}: the same line as {@code tripwire --version}. */
@Command(name = "version", description = "Print the tripwire version.")
final class VersionCommand implements Runnable {

    @Override
    public void run() {
        System.out.println("tripwire " + ProjectVersion.get());
    }
}
