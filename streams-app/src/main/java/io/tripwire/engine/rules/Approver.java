package io.tripwire.engine.rules;

import io.tripwire.signing.Ed25519Keys;
import io.tripwire.signing.OverrideSignatures;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One approver key the engine trusts (SPEC 3, "Human approvals"), from the {@code approvers:} list of
 * the rules file: who ({@code id}), the Ed25519 public key and its id (what an override's
 * {@code keyId} names; by default the key's fingerprint), the tripwires it may override, and the
 * period it is valid in. The same approver may appear with several keys and periods (rotation).
 *
 * @param validUntil null: no end
 */
public record Approver(String id, String keyId, PublicKey key, Set<String> mayOverride, Instant validFrom, Instant validUntil) {

    /** Keys of an approver entry. */
    static final Set<String> KEYS = Set.of("id", "public-key", "key-id", "may-override", "valid-from", "valid-until");

    /** Whether the key is valid at {@code t}. */
    public boolean validAt(Instant t) {
        return !t.isBefore(validFrom) && (validUntil == null || !t.isAfter(validUntil));
    }

    /**
     * Reads the {@code approvers:} list: key files relative to {@code baseDir}; every tripwire an
     * approver may override must be one of {@code tripwireIds}. Errors name the entry and the file.
     */
    static List<Approver> parse(RuleNode root, Path baseDir, Set<String> tripwireIds) {
        List<Approver> out = new ArrayList<>();
        Map<String, PublicKey> byKeyId = new HashMap<>();
        for (RuleNode n : root.list("approvers")) {
            n.onlyKeys(KEYS);
            String id = n.text("id").trim();
            if (id.isEmpty()) {
                throw new RulesException(n.pathOf("id") + ": expected the approver's name, e.g. dpo@example.org");
            }
            PublicKey key = readKey(n, baseDir);
            String keyId = n.has("key-id") ? n.text("key-id").trim() : OverrideSignatures.fingerprint(key);
            PublicKey other = byKeyId.putIfAbsent(keyId, key);
            if (other != null && !other.equals(key)) {
                throw new RulesException(n.pathOf("key-id") + ": '" + keyId + "' already names another key");
            }
            Set<String> may = new LinkedHashSet<>(n.texts("may-override"));
            if (may.isEmpty()) {
                throw new RulesException(n.pathOf("may-override") + ": expected the tripwires this key may override, e.g. [residency-violation]");
            }
            for (String tw : may) {
                if (!tripwireIds.contains(tw)) {
                    throw new RulesException(n.pathOf("may-override") + ": '" + tw + "' is not a tripwire of these rules (" + String.join(", ",
                            new java.util.TreeSet<>(tripwireIds)) + ")");
                }
            }
            Instant from = n.instant("valid-from");
            Instant until = n.has("valid-until") ? n.instant("valid-until") : null;
            if (until != null && until.isBefore(from)) {
                throw new RulesException(n.pathOf("valid-until") + ": " + until + " is before valid-from " + from);
            }
            out.add(new Approver(id, keyId, key, Set.copyOf(may), from, until));
        }
        return List.copyOf(out);
    }

    private static PublicKey readKey(RuleNode n, Path baseDir) {
        String text = n.text("public-key");
        Path file = baseDir == null ? Path.of(text) : baseDir.resolve(text);
        if (!Files.isRegularFile(file)) {
            throw new RulesException(n.pathOf("public-key") + ": no such file " + file.toAbsolutePath().normalize());
        }
        try {
            List<PublicKey> keys = Ed25519Keys.readPublic(file);
            if (keys.size() != 1) {
                throw new RulesException(n.pathOf("public-key") + ": " + file + " holds " + keys.size()
                        + " keys; give one key per approver entry (a rotation is two entries)");
            }
            return keys.get(0);
        } catch (IOException | IllegalArgumentException e) {
            throw new RulesException(n.pathOf("public-key") + ": " + file + ": " + e.getMessage());
        }
    }
}
