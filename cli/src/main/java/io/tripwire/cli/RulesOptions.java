package io.tripwire.cli;

import io.tripwire.engine.rules.Rules;
import io.tripwire.engine.rules.RulesLoader;
import io.tripwire.engine.tripwires.TripwireKinds;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code --rules FILE} and {@code --set path=value}: which tripwire rules to run. */
public final class RulesOptions {

    @Option(names = "--rules", paramLabel = "FILE",
            description = "Tripwire rules (YAML). Default: config/tripwires.yaml if present, else the built-in copy.")
    Path rules;

    @Option(names = "--set", paramLabel = "PATH=VALUE",
            description = "Override one rules value, e.g. --set tripwires.read-latency.threshold=400 (repeatable). "
                    + "Env: TRIPWIRE_RULES_<PATH> (upper case, . and - as _).")
    List<String> sets = new ArrayList<>();

    public Rules load() throws IOException {
        RulesLoader loader = new RulesLoader(TripwireKinds::parse);
        Path file = rules != null ? rules : Path.of("config", "tripwires.yaml");
        if (rules == null && !Files.exists(file)) {
            return loader.loadDefaults(sets, System.getenv());
        }
        return loader.load(file, sets, System.getenv());
    }

    /** The rules file {@link #load()} reads, for messages. */
    public String describe() {
        Path file = rules != null ? rules : Path.of("config", "tripwires.yaml");
        return rules == null && !Files.exists(file) ? "(built-in defaults)" : file.toString();
    }

    /** Loads another rules file with the same overrides (what-if and compare). */
    public static Rules load(Path file, List<String> sets) throws IOException {
        return new RulesLoader(TripwireKinds::parse).load(file, sets, System.getenv());
    }
}
