package io.tripwire.engine;

import io.tripwire.engine.replay.ReplayEngine;
import io.tripwire.engine.rules.Rules;
import io.tripwire.engine.rules.RulesLoader;
import io.tripwire.engine.tripwires.TripwireKinds;
import io.tripwire.signing.ActionSigner;
import io.tripwire.signing.Ed25519Keys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;

/** The engine as the specification tests run it: the shipped rules file, optionally with overrides. */
public final class Engines {

    /** The shipped rules plus the stories' approver (test-data/story-rules.yaml: it extends config/tripwires.yaml). */
    public static final Path RULES_FILE = Path.of("..", "test-data", "story-rules.yaml");

    /** How many action records test-data/wave-a.jsonl gives under the story rules (test-data/README.md). */
    public static final int WAVE_A_ACTIONS = 38;

    /**
     * The dead letters of test-data/wave-a.jsonl under the story rules, in file order: the pilot's approval to
     * enact before its simulation passed (09:30), the unsigned override (10:21), the reused approval (10:30).
     */
    public static final java.util.List<String> WAVE_A_REFUSED = java.util.List.of("override-simulation-not-passed", "override-unsigned",
            "override-token-reused");
    public static final KeyPair KEYS = Ed25519Keys.generate();

    private Engines() {
    }

    public static Rules rules(String... sets) {
        try {
            return new RulesLoader(TripwireKinds::parse).load(RULES_FILE, List.of(sets), Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ReplayEngine engine(String... sets) {
        return new ReplayEngine(rules(sets), new ActionSigner(KEYS.getPrivate()));
    }

    /** The override that turns the ratio tripwires' binomial guard off (SPEC 3, "Significance"). */
    public static final String PLAIN = "confidence=off";

    /**
     * The engine on the plain estimate ({@code confidence: off}): the behaviour before the
     * significance guard. The spec tests written before the guard run on it unchanged, which is
     * how they show that off reproduces the old behaviour exactly.
     */
    public static ReplayEngine plain(String... sets) {
        String[] all = java.util.Arrays.copyOf(sets, sets.length + 1);
        all[sets.length] = PLAIN;
        return engine(all);
    }
}
