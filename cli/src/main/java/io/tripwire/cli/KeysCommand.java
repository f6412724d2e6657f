package io.tripwire.cli;

import io.tripwire.signing.Ed25519Keys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.concurrent.Callable;

/** {@code tripwire keys --out DIR}: writes an Ed25519 key pair for signing actions. */
@Command(name = "keys", header = "Write a new Ed25519 key pair for signing and verifying actions.", mixinStandardHelpOptions = true,
        description = {"Write a new Ed25519 key pair: DIR/private.pem (engine: --signing-key) and DIR/public.pem",
            "(executor: public key of accepted signers). Refuses to overwrite an existing private key."},
        footer = {"", "Example:", "  ./tripwire keys --out /etc/tripwire/keys"})
public final class KeysCommand implements Callable<Integer> {

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to write private.pem and public.pem into.")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (Files.exists(out.resolve("private.pem"))) {
            System.err.println("tripwire keys: " + out.resolve("private.pem") + " exists; not overwriting it");
            return 1;
        }
        KeyPair pair = Ed25519Keys.generate();
        Ed25519Keys.write(pair, out);
        System.out.println("wrote " + out.resolve("private.pem") + " (keep secret) and " + out.resolve("public.pem"));
        return 0;
    }
}
