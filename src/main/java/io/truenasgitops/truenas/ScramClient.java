package io.truenasgitops.truenas;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The client side of one SCRAM exchange (RFC 5802; RFC 7677 for SHA-256, TrueNAS 26.0+ uses SHA-512): the
 * client-first-message, the client-final-message with its proof from the server's salt and iteration count, and
 * the check of the server's signature (mutual authentication: a server that does not hold the key's stored
 * credentials cannot make it). One instance per exchange; the password is used once and not kept.
 *
 * <p>TrueNAS's nonces are base64 of 32 random bytes per side and the server's nonce is base64 of both byte
 * strings concatenated, so "the server's nonce starts with the client's" holds for the decoded bytes, not the
 * text: both readings are accepted.
 */
final class ScramClient {

    /** The hash family of the mechanism. */
    enum Hash {
        SHA256("SHA-256", "HmacSHA256", "PBKDF2WithHmacSHA256", 256),
        SHA512("SHA-512", "HmacSHA512", "PBKDF2WithHmacSHA512", 512);

        final String digest;
        final String hmac;
        final String pbkdf2;
        final int bits;

        Hash(String digest, String hmac, String pbkdf2, int bits) {
            this.digest = digest;
            this.hmac = hmac;
            this.pbkdf2 = pbkdf2;
            this.bits = bits;
        }
    }

    /** What went wrong in the exchange, in words for a person (never containing the key). */
    static final class ScramException extends Exception {
        ScramException(String message) {
            super(message, null, false, false);
        }
    }

    /** The keys derived from the password and the server's salt: reusable while the salt and count stay. */
    record DerivedKeys(byte[] salt, int iterations, byte[] clientKey, byte[] storedKey, byte[] serverKey) {}

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Hash hash;
    private final String gs2Header;
    private final byte[] channelBinding;
    private final String clientFirstBare;
    private final String clientNonce;
    private String authMessage;
    private byte[] serverKey;
    private DerivedKeys derived;

    /**
     * @param hash SHA-256 or SHA-512
     * @param name the authentication identity as sent in {@code n=} (TrueNAS: {@code <user>:<key id>}); must not
     *     contain {@code ,} or {@code =} (TrueNAS does not unescape them)
     * @param clientNonce the client's nonce as sent in {@code r=} (printable, no comma)
     * @param channelBindingType {@code tls-server-end-point} to bind, or null for none ({@code n,,})
     * @param channelBinding the binding data for that type (the hash of the server's certificate), or null
     */
    ScramClient(Hash hash, String name, String clientNonce, String channelBindingType, byte[] channelBinding)
            throws ScramException {
        if (name == null || name.isEmpty() || name.contains(",") || name.contains("=")) {
            throw new ScramException("the user name '" + name + "' cannot be sent in a SCRAM message (it is empty or"
                    + " holds ',' or '=')");
        }
        if ((channelBindingType == null) != (channelBinding == null)) {
            throw new ScramException("channel binding needs both its type and its data");
        }
        this.hash = hash;
        this.gs2Header = channelBindingType == null ? "n,," : "p=" + channelBindingType + ",,";
        this.channelBinding = channelBinding == null ? null : channelBinding.clone();
        this.clientNonce = clientNonce;
        this.clientFirstBare = "n=" + name + ",r=" + clientNonce;
    }

    /** A nonce as TrueNAS makes them: base64 of 32 random bytes. */
    static String newNonce() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** {@code gs2-header client-first-message-bare}. */
    String clientFirst() {
        return gs2Header + clientFirstBare;
    }

    /**
     * The client-final-message for the server-first-message {@code serverFirst} ({@code r=...,s=...,i=...}).
     *
     * @param password the password (TrueNAS: the key material after {@code <id>-}); ignored when {@code cached}
     *     has the same salt and iteration count
     * @param cached keys derived for this password before, or null
     * @param minIterations the fewest iterations to accept (a server asking for fewer weakens the derived keys)
     * @param maxIterations the most iterations to accept (a server asking for more makes the client work for it)
     */
    String clientFinal(String serverFirst, String password, DerivedKeys cached, int minIterations, int maxIterations)
            throws ScramException {
        String nonce = null;
        byte[] salt = null;
        Integer iterations = null;
        for (String part : serverFirst.split(",", -1)) {
            if (part.startsWith("r=")) {
                nonce = part.substring(2);
            } else if (part.startsWith("s=")) {
                salt = base64(part.substring(2));
            } else if (part.startsWith("i=")) {
                try {
                    iterations = Integer.parseInt(part.substring(2));
                } catch (NumberFormatException e) {
                    throw new ScramException("the server's iteration count '" + part.substring(2) + "' is not a number");
                }
            } else if (part.startsWith("m=")) {
                throw new ScramException("the server asks for a SCRAM extension this client does not know");
            } else if (part.startsWith("e=")) {
                throw new ScramException("the server refused the exchange: " + part.substring(2));
            }
        }
        if (nonce == null || salt == null || iterations == null) {
            throw new ScramException("the server's first SCRAM message lacks its nonce, salt or iteration count");
        }
        if (!extendsClientNonce(nonce)) {
            throw new ScramException("the server's nonce does not start with the client's: not an answer to this"
                    + " exchange");
        }
        if (iterations < minIterations || iterations > maxIterations) {
            throw new ScramException("the server asks for " + iterations + " iterations, outside " + minIterations
                    + "–" + maxIterations);
        }
        DerivedKeys keys = cached != null && Arrays.equals(cached.salt(), salt) && cached.iterations() == iterations
                ? cached : derive(hash, password, salt, iterations);
        derived = keys;
        byte[] cbindInput = gs2Header.getBytes(StandardCharsets.US_ASCII);
        if (channelBinding != null) {
            cbindInput = concat(cbindInput, channelBinding);
        }
        String withoutProof = "c=" + Base64.getEncoder().encodeToString(cbindInput) + ",r=" + nonce;
        authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
        byte[] signature = hmac(hash, keys.storedKey(), authMessage.getBytes(StandardCharsets.UTF_8));
        byte[] proof = new byte[keys.clientKey().length];
        for (int i = 0; i < proof.length; i++) {
            proof[i] = (byte) (keys.clientKey()[i] ^ signature[i]);
        }
        serverKey = keys.serverKey();
        return withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof);
    }

    /** The keys of the last {@link #clientFinal}, to reuse on the next login with the same salt. */
    DerivedKeys derivedKeys() {
        return derived;
    }

    /** Checks the server-final-message {@code v=<signature>} (or {@code e=<error>}) against this exchange. */
    void verifyServerFinal(String serverFinal) throws ScramException {
        if (authMessage == null) {
            throw new ScramException("no client-final-message was made");
        }
        if (serverFinal == null || serverFinal.startsWith("e=")) {
            throw new ScramException("the server refused the exchange"
                    + (serverFinal == null ? "" : ": " + serverFinal.substring(2)));
        }
        String v = null;
        for (String part : serverFinal.split(",", -1)) {
            if (part.startsWith("v=")) {
                v = part.substring(2);
            }
        }
        byte[] received = v == null ? null : base64(v);
        byte[] expected = hmac(hash, serverKey, authMessage.getBytes(StandardCharsets.UTF_8));
        if (received == null || !MessageDigest.isEqual(received, expected)) {
            throw new ScramException("the server's signature is wrong: the other end does not hold this key's"
                    + " credentials");
        }
    }

    /** {@code SaltedPassword = Hi(password, salt, i)} (PBKDF2) and the keys RFC 5802 derives from it. */
    static DerivedKeys derive(Hash hash, String password, byte[] salt, int iterations) {
        try {
            byte[] salted = SecretKeyFactory.getInstance(hash.pbkdf2)
                    .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, hash.bits)).getEncoded();
            byte[] clientKey = hmac(hash, salted, "Client Key".getBytes(StandardCharsets.US_ASCII));
            byte[] storedKey = MessageDigest.getInstance(hash.digest).digest(clientKey);
            byte[] serverKey = hmac(hash, salted, "Server Key".getBytes(StandardCharsets.US_ASCII));
            return new DerivedKeys(salt.clone(), iterations, clientKey, storedKey, serverKey);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(hash.digest + " is not available in this JVM", e);
        }
    }

    private boolean extendsClientNonce(String serverNonce) {
        if (serverNonce.startsWith(clientNonce) && serverNonce.length() > clientNonce.length()) {
            return true;
        }
        byte[] mine = base64(clientNonce);
        byte[] theirs = base64(serverNonce);
        return mine != null && theirs != null && theirs.length > mine.length
                && MessageDigest.isEqual(Arrays.copyOf(theirs, mine.length), mine);
    }

    private static byte[] hmac(Hash hash, byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(hash.hmac);
            mac.init(new SecretKeySpec(key, hash.hmac));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(hash.hmac + " is not available in this JVM", e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] base64(String text) {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
