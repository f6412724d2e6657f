package io.tripwire.cli.opa;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * The bearer token an upload must carry ({@code Authorization: Bearer <token>}), as OPA sends it for a
 * service with {@code credentials.bearer} ({@code token}, or {@code token_path}: a file OPA reads and
 * trims before every upload). The token is read once, from a file so that it stays out of the
 * command line and the process list.
 */
public final class BearerToken {

    private static final Logger LOG = LoggerFactory.getLogger(BearerToken.class);
    /** Fewer characters than this are guessable enough to warn about (openssl rand -hex 32 gives 64). */
    private static final int SHORT = 16;

    /** What an {@code Authorization} header amounts to. */
    public enum Check { ACCEPTED, MISSING, WRONG }

    private final byte[] expectedDigest;

    private BearerToken(String token) {
        this.expectedDigest = sha256(token);
    }

    /** The token held by a file: its content, whitespace trimmed (as OPA trims {@code token_path}). */
    public static BearerToken read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": file not found (it must hold the bearer token OPA sends)");
        } catch (java.nio.charset.MalformedInputException e) {
            throw new IllegalArgumentException(file + ": not a text file (it must hold the bearer token OPA sends)");
        }
        String token = text.strip();
        if (token.isEmpty()) {
            throw new IllegalArgumentException(file + ": the file is empty (it must hold the bearer token OPA sends; "
                    + "make one with: openssl rand -hex 32 > " + file + ")");
        }
        if (!token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException(file + ": the token holds whitespace or characters outside printable ASCII, "
                    + "which an HTTP header cannot carry as one token");
        }
        if (token.length() < SHORT) {
            LOG.warn("the bearer token in {} has only {} characters: a short token can be guessed; use e.g. openssl rand -hex 32",
                    file, token.length());
        }
        return new BearerToken(token);
    }

    /** A token given as text (tests, embedding). */
    public static BearerToken of(String token) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("empty bearer token");
        }
        return new BearerToken(token.strip());
    }

    /**
     * Whether an {@code Authorization} header value carries this token. The scheme is matched without
     * regard to case (RFC 7235). Both tokens are hashed before {@link MessageDigest#isEqual}, so the
     * comparison takes the same time whatever the presented token's content or length.
     */
    public Check check(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return Check.MISSING;
        }
        String value = authorization.strip();
        int space = value.indexOf(' ');
        if (space < 0 || !value.substring(0, space).toLowerCase(Locale.ROOT).equals("bearer")) {
            return Check.MISSING; // another scheme (Basic, ...) carries no bearer token
        }
        String presented = value.substring(space + 1).strip();
        return MessageDigest.isEqual(sha256(presented), expectedDigest) ? Check.ACCEPTED : Check.WRONG;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
