package io.tripwire.cli;

import io.tripwire.signing.Ed25519Keys;
import io.tripwire.signing.OverrideSignatures;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;

/** {@code tripwire keys --out DIR}: writes an Ed25519 key pair for signing actions or approvals. */
@Command(name = "keys", header = "Write a new Ed25519 key pair: the engine's (signing actions) or an approver's (signing overrides).",
        mixinStandardHelpOptions = true,
        description = {"Write a new Ed25519 key pair: DIR/private.pem and DIR/public.pem. Refuses to overwrite an existing private key.",
            "",
            "The engine's pair: private.pem for the engine (--signing-key), public.pem for executors.",
            "An approver's pair (--approver ID): private.pem stays with the approver (tripwire override --signing-key), "
                + "public.pem goes into the rules' approvers (SPEC 3, \"Human approvals\"); the command prints the key's id "
                + "(its fingerprint) and the rules entry to add."},
        footer = {"", "Examples:", "  ./tripwire keys --out /etc/tripwire/keys",
            "  ./tripwire keys --out dpo-keys --approver dpo@example.org --may-override residency-violation"})
public final class KeysCommand implements Callable<Integer> {

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to write private.pem and public.pem into.")
    Path out;

    @Option(names = "--approver", paramLabel = "ID", description = "Make an approver's key pair and print its rules entry (approvers:).")
    String approver;

    @Option(names = "--may-override", paramLabel = "TRIPWIRE", split = ",", defaultValue = "residency-violation,error-budget",
            description = "With --approver: the tripwires the entry lets it override. Default: ${DEFAULT-VALUE}.")
    java.util.List<String> mayOverride;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        java.io.PrintWriter stdout = spec.commandLine().getOut();
        if (Files.exists(out.resolve("private.pem"))) {
            spec.commandLine().getErr().println("tripwire keys: " + out.resolve("private.pem") + " exists; not overwriting it");
            return 1;
        }
        KeyPair pair = Ed25519Keys.generate();
        Ed25519Keys.write(pair, out);
        stdout.println("wrote " + out.resolve("private.pem") + " (keep secret) and " + out.resolve("public.pem"));
        if (approver != null) {
            String keyId = OverrideSignatures.fingerprint(pair.getPublic());
            stdout.println("key id " + keyId + " (tripwire override --key-id " + keyId + "); add to the rules file:");
            stdout.println("approvers:");
            stdout.println("  - id: " + approver);
            stdout.println("    public-key: " + out.resolve("public.pem") + "   # relative to the rules file, or absolute");
            stdout.println("    key-id: " + keyId);
            stdout.println("    may-override: [" + String.join(", ", mayOverride) + "]");
            stdout.println("    valid-from: " + Instant.now().truncatedTo(ChronoUnit.SECONDS));
            stdout.println("    valid-until: " + Instant.now().plus(365, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS) + "   # rotate before");
        }
        stdout.flush();
        return 0;
    }
}
