package io.truenasgitops.secretfiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Reading shared secrets from files and comparing them without leaking timing. */
public final class Secrets {

    private Secrets() {}

    /**
     * Reads a secret from a file, dropping trailing whitespace (editors and {@code echo} add a newline).
     *
     * @param file the file (e.g. a Docker secret under {@code /run/secrets})
     * @param key the config key that named the file, for the error message
     * @throws IllegalStateException naming the key and file when the file is missing, unreadable or empty
     */
    public static byte[] readFile(Path file, String key) {
        String value;
        try {
            value = Files.readString(file, StandardCharsets.UTF_8).stripTrailing();
        } catch (IOException e) {
            // the JDK's message of a missing file is the path alone: say what it means instead
            String cause = e instanceof java.nio.file.NoSuchFileException ? "no such file"
                    : e instanceof java.nio.file.AccessDeniedException ? "permission denied" : e.getMessage();
            throw new IllegalStateException("cannot read the secret file " + file + " named by " + key
                    + ": " + cause + "; create it or fix the path", e);
        }
        if (value.isEmpty()) {
            throw new IllegalStateException(
                    "the secret file " + file + " named by " + key + " is empty; write the secret into it");
        }
        return value.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Compares two secrets in time independent of where they differ and of their lengths
     * (both sides are hashed first, so {@link MessageDigest#isEqual} always sees 32 bytes).
     */
    public static boolean constantTimeEquals(byte[] expected, byte[] given) {
        if (expected == null || given == null) {
            return false;
        }
        return MessageDigest.isEqual(sha256(expected), sha256(given));
    }

    static byte[] sha256(byte[] value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
}
