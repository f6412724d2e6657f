package io.tripwire.signing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Ed25519 keys in PEM: private keys as PKCS#8 ({@code BEGIN PRIVATE KEY}), public keys as X.509
 * SubjectPublicKeyInfo ({@code BEGIN PUBLIC KEY}), the forms {@code openssl genpkey -algorithm
 * ed25519} writes. A public-key file may hold several keys (key rotation: all are accepted).
 */
public final class Ed25519Keys {

    private static final String PRIVATE = "PRIVATE KEY";
    private static final String PUBLIC = "PUBLIC KEY";

    private Ed25519Keys() {
    }

    /** A fresh key pair. */
    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has Ed25519 since Java 15", e);
        }
    }

    /** PEM text of a private key. */
    public static String privatePem(PrivateKey key) {
        return pem(PRIVATE, key.getEncoded());
    }

    /** PEM text of a public key. */
    public static String publicPem(PublicKey key) {
        return pem(PUBLIC, key.getEncoded());
    }

    /** Writes {@code private.pem} (owner-readable only where the file system allows) and {@code public.pem}. */
    public static void write(KeyPair pair, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path priv = dir.resolve("private.pem");
        Files.writeString(priv, privatePem(pair.getPrivate()));
        try {
            Files.setPosixFilePermissions(priv, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system: nothing more to do
        }
        Files.writeString(dir.resolve("public.pem"), publicPem(pair.getPublic()));
    }

    /** Reads one private key from PEM text. */
    public static PrivateKey readPrivate(String pemText) {
        List<byte[]> blocks = blocks(pemText, PRIVATE);
        if (blocks.size() != 1) {
            throw new IllegalArgumentException("expected exactly one '-----BEGIN " + PRIVATE + "-----' block, found " + blocks.size());
        }
        try {
            return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(blocks.get(0)));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an Ed25519 private key: " + e.getMessage(), e);
        }
    }

    /** Reads every public key from PEM text (one or more blocks). */
    public static List<PublicKey> readPublic(String pemText) {
        List<byte[]> blocks = blocks(pemText, PUBLIC);
        if (blocks.isEmpty()) {
            throw new IllegalArgumentException("no '-----BEGIN " + PUBLIC + "-----' block found");
        }
        List<PublicKey> keys = new ArrayList<>();
        for (byte[] der : blocks) {
            try {
                keys.add(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der)));
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("not an Ed25519 public key: " + e.getMessage(), e);
            }
        }
        return keys;
    }

    /** Reads a private key from a PEM file, naming the file in any error. */
    public static PrivateKey readPrivate(Path file) throws IOException {
        try {
            return readPrivate(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** Reads the public keys of a PEM file, naming the file in any error. */
    public static List<PublicKey> readPublic(Path file) throws IOException {
        try {
            return readPublic(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    private static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    private static List<byte[]> blocks(String text, String type) {
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        List<byte[]> out = new ArrayList<>();
        int from = 0;
        while (true) {
            int b = text.indexOf(begin, from);
            if (b < 0) {
                return out;
            }
            int e = text.indexOf(end, b);
            if (e < 0) {
                throw new IllegalArgumentException("'" + begin + "' without '" + end + "'");
            }
            String body = text.substring(b + begin.length(), e).replaceAll("\\s", "");
            try {
                out.add(Base64.getDecoder().decode(body));
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("PEM block is not valid base64");
            }
            from = e + end.length();
        }
    }
}
