package io.tripwire.cli.demo;

import io.tripwire.engine.rules.Approver;
import io.tripwire.engine.rules.Rules;
import io.tripwire.schemas.HumanOverride;
import io.tripwire.signing.Ed25519Keys;
import io.tripwire.signing.OverrideSignatures;

import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The demo's own approvers (SPEC 3, "Human approvals"). The repository's stories are signed with
 * committed test keys (test-data/story-keys) that no deployment, and not the demo, should trust. The
 * demo makes a fresh Ed25519 key pair per approver of the story's signed overrides, trusts it in its
 * rules for the tripwires those overrides name, from the scenario's first event on, and re-signs those
 * overrides with it. Everything else is played as recorded: an unsigned override stays unsigned and a
 * reused token stays reused, so the story's refusals are refused live too.
 *
 * @param rules     the rules with the demo's approvers added
 * @param scenario  the scenario with the story's signed overrides re-signed
 * @param resigned  how many overrides were re-signed
 * @param approvers the demo's approvers (id and key id), in order of first appearance
 */
record DemoApprovals(Rules rules, Scenario scenario, int resigned, List<Approver> approvers) {

    /** The stories' approver keys: every {@code *public.pem} of this directory. */
    static final String STORY_KEYS = "test-data/story-keys";

    /** Keys written to {@code outDir/approvers/N/{private,public}.pem}. */
    static DemoApprovals prepare(Rules rules, Scenario scenario, Path outDir) throws IOException {
        Optional<Path> storyKeyDir = RepoFiles.find(STORY_KEYS);
        if (storyKeyDir.isEmpty()) {
            return new DemoApprovals(rules, scenario, 0, List.of());
        }
        List<PublicKey> storyKeys = new ArrayList<>();
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(storyKeyDir.get())) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith("public.pem")).sorted().toList()) {
                storyKeys.addAll(Ed25519Keys.readPublic(f));
            }
        }
        Map<String, KeyPair> keys = new LinkedHashMap<>();
        Map<String, Set<String>> tripwires = new LinkedHashMap<>();
        List<Scenario.Event> events = new ArrayList<>(scenario.events().size());
        int resigned = 0;
        for (Scenario.Event e : scenario.events()) {
            if (e.record() instanceof HumanOverride o && o.getSignature() != null
                    && storyKeys.stream().anyMatch(k -> OverrideSignatures.verifies(o, k))) {
                KeyPair pair = keys.computeIfAbsent(o.getBy(), by -> Ed25519Keys.generate());
                tripwires.computeIfAbsent(o.getBy(), by -> new LinkedHashSet<>()).add(o.getTripwire());
                HumanOverride again = OverrideSignatures.sign(HumanOverride.newBuilder(o)
                        .setKeyId(OverrideSignatures.fingerprint(pair.getPublic())).setSignature(null).build(), pair.getPrivate());
                events.add(new Scenario.Event(e.topic(), e.tenant(), e.ts(), again));
                resigned++;
            } else {
                events.add(e);
            }
        }
        if (resigned == 0) {
            return new DemoApprovals(rules, scenario, 0, List.of());
        }
        List<Approver> approvers = new ArrayList<>(rules.approvers());
        List<Approver> added = new ArrayList<>();
        int n = 0;
        for (Map.Entry<String, KeyPair> k : keys.entrySet()) {
            Set<String> may = new LinkedHashSet<>(tripwires.get(k.getKey()));
            may.removeIf(tw -> rules.rule(tw) == null); // a tripwire these rules lack: the override is refused as not permitted
            if (may.isEmpty()) {
                continue;
            }
            Ed25519Keys.write(k.getValue(), outDir.resolve("approvers").resolve(String.valueOf(++n)));
            Approver a = new Approver(k.getKey(), OverrideSignatures.fingerprint(k.getValue().getPublic()), k.getValue().getPublic(),
                    Set.copyOf(may), scenario.first(), null);
            approvers.add(a);
            added.add(a);
        }
        Rules withDemo = new Rules(rules.grace(), rules.futureSkew(), rules.minEvents(), rules.confidence(), rules.priorStrength(),
                rules.slo(), rules.defaultService(), rules.tripwires(), approvers);
        return new DemoApprovals(withDemo, new Scenario(scenario.file(), List.copyOf(events), scenario.unreadable()), resigned, List.copyOf(added));
    }

    /** One line for the console, or empty when nothing was re-signed. */
    Optional<String> describe(Path outDir) {
        if (resigned == 0) {
            return Optional.empty();
        }
        List<String> who = approvers.stream().map(a -> a.id() + " (key " + a.keyId() + ", may override " + String.join(", ", a.mayOverride()) + ")")
                .toList();
        return Optional.of(String.format("approvals  %d signed override%s of the story re-signed with the demo's own approver key%s: %s; "
                        + "keys in %s", resigned, resigned == 1 ? "" : "s", approvers.size() == 1 ? "" : "s", String.join(", ", who),
                outDir.resolve("approvers")));
    }
}
