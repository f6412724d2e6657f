package io.tripwire.cli.evidence;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.tripwire.json.CanonicalJson;
import io.tripwire.signing.Ed25519Keys;
import io.tripwire.signing.Sha256;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * {@code manifest.json} of an evidence bundle (the packet's {@code {source -> artifact}} manifest
 * with hashes): every artifact with its SHA-256 and size, every source with its topic partitions
 * and offset ranges (or its file's hash), the window, signed with Ed25519 over the canonical JSON
 * of the manifest without its {@code signature}. The signer's public key is in it;
 * {@link #verify} can also be pinned to a known key.
 */
final class Manifest {

    static final String FILE = "manifest.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Manifest() {
    }

    /**
     * Writes the manifest of every file under {@code dir} (but itself); {@code compared}: whether the
     * bundle holds the action records that went out, compared with those implied.
     */
    static void write(Path dir, Map<String, Object> window, List<Map<String, Object>> sources, boolean compared, KeyPair signer)
            throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bundle", "tripwire evidence");
        m.put("createdAt", java.time.Instant.now().toString());
        m.put("window", window);
        m.put("sources", sources);
        m.put("compared", compared);
        List<Map<String, Object>> artifacts = new ArrayList<>();
        for (Path f : files(dir)) {
            byte[] b = Files.readAllBytes(dir.resolve(f));
            Map<String, Object> a = new LinkedHashMap<>(); // in this order on the page (Map.of's order changes from run to run)
            a.put("path", f.toString().replace('\\', '/'));
            a.put("sha256", Sha256.hex(b));
            a.put("size", (long) b.length);
            artifacts.add(a);
        }
        m.put("artifacts", artifacts);
        m.put("signer", Ed25519Keys.publicPem(signer.getPublic()));
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(signer.getPrivate());
            s.update(CanonicalJson.write(m).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            m.put("signature", Base64.getEncoder().encodeToString(s.sign()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
        Files.writeString(dir.resolve(FILE), JSON.writeValueAsString(m) + "\n");
    }

    /**
     * Whether the bundle's manifest says it compares sent actions with implied ones: true unless it
     * says {@code "compared": false} (bundles made before that field always compared).
     */
    static boolean compared(Path dir) {
        try {
            return !Boolean.FALSE.equals(JSON.readValue(dir.resolve(FILE).toFile(), LinkedHashMap.class).get("compared"));
        } catch (IOException e) {
            return true; // verify names the unreadable manifest; the comparison is checked as for any bundle
        }
    }

    /** The files of the bundle, relative, sorted; the manifest itself left out. */
    static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(dir::relativize).filter(p -> !p.toString().equals(FILE))
                    .sorted().toList();
        }
    }

    /**
     * Every problem with the bundle's integrity, each naming its file: a manifest that does not
     * parse or whose signature does not verify (against {@code pinned} when given, else the key in
     * it), an artifact missing, changed (hash or size) or not listed.
     */
    @SuppressWarnings("unchecked")
    static List<String> verify(Path dir, PublicKey pinned) throws IOException {
        List<String> problems = new ArrayList<>();
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return List.of(file + ": missing");
        }
        Map<String, Object> m;
        try {
            m = JSON.readValue(file.toFile(), LinkedHashMap.class);
        } catch (IOException e) {
            return List.of(file + ": not valid JSON: " + e.getMessage());
        }
        Object sig = m.remove("signature");
        try {
            PublicKey key = pinned != null ? pinned : Ed25519Keys.readPublic(String.valueOf(m.get("signer"))).get(0);
            if (pinned != null && !Ed25519Keys.publicPem(pinned).equals(String.valueOf(m.get("signer")))) {
                problems.add(file + ": signed by another key than the one given (--public-key)");
            }
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(CanonicalJson.write(m).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            if (sig == null || !s.verify(Base64.getDecoder().decode(String.valueOf(sig)))) {
                problems.add(file + ": signature does not verify (the manifest was changed, or not signed by " + (pinned != null
                        ? "the given key" : "the key it names") + ")");
            }
        } catch (GeneralSecurityException | IllegalArgumentException | IndexOutOfBoundsException e) {
            problems.add(file + ": signature cannot be checked: " + e.getMessage());
        }
        TreeSet<String> listed = new TreeSet<>();
        for (Map<String, Object> a : (List<Map<String, Object>>) m.getOrDefault("artifacts", List.of())) {
            String path = String.valueOf(a.get("path"));
            listed.add(path);
            Path f = dir.resolve(path).normalize();
            if (!f.startsWith(dir.normalize()) || !Files.isRegularFile(f)) {
                problems.add(dir.resolve(path) + ": missing (listed in the manifest)");
                continue;
            }
            byte[] b = Files.readAllBytes(f);
            if (b.length != ((Number) a.get("size")).longValue() || !Sha256.hex(b).equals(a.get("sha256"))) {
                problems.add(dir.resolve(path) + ": changed (sha256 " + Sha256.hex(b) + ", " + b.length + " bytes; the manifest says "
                        + a.get("sha256") + ", " + a.get("size") + " bytes)");
            }
        }
        for (Path f : files(dir)) {
            if (!listed.contains(f.toString().replace('\\', '/'))) {
                problems.add(dir.resolve(f) + ": not in the manifest");
            }
        }
        return problems;
    }
}
