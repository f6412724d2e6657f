package io.tripwire.engine.oracle;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tripwire.schemas.HumanOverride;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * SPEC 3 "Human approvals" for the oracle, from the text: an override is honoured only when its
 * signature (Ed25519 over the canonical JSON of the record without {@code signature}: its JSON form,
 * keys sorted, no whitespace) verifies with a trusted key valid at its {@code ts}, that key may
 * override its tripwire, {@code ts} is not after {@code notAfter}, and its token was not used before
 * for the tenant (docs/security.md: by an honoured override whose {@code notAfter} is not before this
 * {@code ts}). The trusted key is the stories' approver, written down from test-data/story-rules.yaml.
 * Its own canonical JSON and key reading, not the engine's.
 */
final class OracleApprovals {

    record Key(String approver, String keyId, PublicKey key, Set<String> mayOverride, Instant from, Instant until) {
    }

    static final Key STORY = new Key("dpo@example.org", "dpo-2025", publicKey(Path.of("..", "test-data", "story-keys", "public.pem")),
            Set.of("residency-violation", "error-budget"), Instant.parse("2025-10-01T00:00:00Z"), Instant.parse("2025-12-31T23:59:59Z"));

    /** The stories' autonomy pilot lead: approvals to enact (signed overrides of simulation-delta), from test-data/story-rules.yaml. */
    static final Key PILOT = new Key("pilot-lead@example.org", "pilot-2025",
            publicKey(Path.of("..", "test-data", "story-keys", "pilot-public.pem")), Set.of("simulation-delta"),
            Instant.parse("2025-10-01T00:00:00Z"), Instant.parse("2025-12-31T23:59:59Z"));

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Key> keys;
    private final Map<String, List<long[]>> used = new HashMap<>(); // tenant|token -> [notAfter] of honoured overrides

    OracleApprovals(List<Key> keys) {
        this.keys = keys;
    }

    /** null when it passes the checks of SPEC 3 (then {@link #use} its token if it is honoured), else the refusal's reason. */
    String check(HumanOverride o) {
        if (o.getKeyId() == null || o.getNotAfter() == null || o.getSignature() == null) {
            return "override-unsigned";
        }
        List<Key> named = keys.stream().filter(k -> k.keyId().equals(o.getKeyId())).toList();
        if (named.isEmpty()) {
            return "override-untrusted-key";
        }
        if (!verifies(o, named.get(0).key())) {
            return "override-bad-signature";
        }
        Instant ts = o.getTs();
        List<Key> valid = named.stream().filter(k -> !ts.isBefore(k.from()) && !ts.isAfter(k.until())).toList();
        if (valid.isEmpty()) {
            return "override-untrusted-key";
        }
        if (valid.stream().noneMatch(k -> k.mayOverride().contains(o.getTripwire()))) {
            return "override-not-permitted";
        }
        if (ts.isAfter(o.getNotAfter())) {
            return "override-expired";
        }
        String token = o.getTenant() + "|" + o.getApprovalTokenId();
        if (used.getOrDefault(token, List.of()).stream().anyMatch(n -> n[0] >= ts.toEpochMilli())) {
            return "override-token-reused";
        }
        return null;
    }

    /** An honoured override's token is used. */
    void use(HumanOverride o) {
        used.computeIfAbsent(o.getTenant() + "|" + o.getApprovalTokenId(), k -> new ArrayList<>()).add(new long[] {o.getNotAfter().toEpochMilli()});
    }

    private static boolean verifies(HumanOverride o, PublicKey key) {
        TreeMap<String, Object> m = new TreeMap<>();
        m.put("type", "override");
        m.put("ts", o.getTs().toString());
        m.put("tenant", o.getTenant());
        m.put("tripwire", o.getTripwire());
        m.put("approvalTokenId", o.getApprovalTokenId());
        m.put("by", o.getBy());
        m.put("keyId", o.getKeyId());
        m.put("notAfter", o.getNotAfter().toString());
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(JSON.writeValueAsString(m).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return s.verify(Base64.getDecoder().decode(o.getSignature()));
        } catch (Exception e) {
            return false;
        }
    }

    private static PublicKey publicKey(Path pem) {
        try {
            String b64 = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(b64)));
        } catch (Exception e) {
            throw new IllegalStateException(pem + ": " + e.getMessage(), e);
        }
    }
}
