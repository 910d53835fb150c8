package io.truenasgitops.emulator;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The server side of SCRAM-SHA-512 as TrueNAS 26.0 runs it for API keys (RFC 5802 with SHA-512): what
 * {@code utils/crypto.py generate_api_key_auth_data} stores for a key and what pam_truenas checks
 * ({@code utils/account/authenticator.py ScramPamAuthenticator}, {@code plugins/auth_/login_ex_impl.py
 * login_ex_scram}, {@code docs/source/accounts/scram_authentication.rst}).
 *
 * <p>Stored for a key {@code <id>-<material>}: a salt of 16 characters ({@code generate_string(16,
 * extra_chars='./')}, used as its ASCII bytes), 500000 iterations, {@code SaltedPassword = PBKDF2-HMAC-SHA512(
 * material, salt, 500000)}, {@code StoredKey = SHA512(HMAC(SaltedPassword, "Client Key"))} and
 * {@code ServerKey = HMAC(SaltedPassword, "Server Key")}. The client names the key as {@code n=<user>:<id>};
 * nonces are 32 random bytes each side, base64 of the raw bytes (the server's {@code r=} is both, 64 bytes).
 * Channel binding is {@code tls-server-end-point} (RFC 5929): {@code c=} is base64 of
 * {@code "p=tls-server-end-point,," + hash(certificate DER)}, allowed over TLS only.
 */
final class ScramServer {
    /** {@code generate_api_key_auth_data(rounds=500000)}. */
    static final int ITERATIONS = 500_000;
    static final int NONCE_BYTES = 32;
    static final String CHANNEL_BINDING = "tls-server-end-point";
    private static final String SALT_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789./";

    /** What the NAS keeps for one key: never the key itself. */
    record StoredCredentials(byte[] salt, int iterations, byte[] storedKey, byte[] serverKey) {}

    /** A SCRAM exchange between the client's first and final message. */
    record Exchange(String username, int keyId, String gs2Header, String clientFirstBare, String serverFirst,
            byte[] nonce, boolean bound) {}

    /** Why an exchange failed: answered as AUTH_ERR (PAM_AUTH_ERR), with the reason pam_truenas would log. */
    static final class Refused extends Exception {
        Refused(String reason) {
            super(reason, null, false, false);
        }
    }

    private ScramServer() {}

    /** {@code generate_api_key_auth_data}: a new salt and the keys derived from the key's material. */
    static StoredCredentials derive(String keyMaterial, byte[] salt, int iterations) {
        try {
            SecretKeyFactory pbkdf2 = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512");
            byte[] salted = pbkdf2.generateSecret(new PBEKeySpec(keyMaterial.toCharArray(), salt, iterations, 512))
                    .getEncoded();
            byte[] clientKey = hmac(salted, "Client Key".getBytes(StandardCharsets.US_ASCII));
            byte[] storedKey = MessageDigest.getInstance("SHA-512").digest(clientKey);
            byte[] serverKey = hmac(salted, "Server Key".getBytes(StandardCharsets.US_ASCII));
            return new StoredCredentials(salt.clone(), iterations, storedKey, serverKey);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("emulator: SHA-512 is not available in this JVM", e);
        }
    }

    static byte[] newSalt() {
        byte[] salt = new byte[16];
        for (int i = 0; i < salt.length; i++) {
            salt[i] = (byte) SALT_CHARS.charAt(NasState.RANDOM.nextInt(SALT_CHARS.length()));
        }
        return salt;
    }

    /** The parsed client-first-message ({@code gs2-header client-first-message-bare}). */
    record ClientFirst(String gs2Header, char flag, String username, int keyId, String bare, byte[] nonce) {}

    static ClientFirst parseClientFirst(String rfc) throws Refused {
        if (rfc == null) {
            throw new Refused("missing client first message");
        }
        // gs2-header = gs2-cbind-flag "," [ authzid ] ","
        int first = rfc.indexOf(',');
        int second = first < 0 ? -1 : rfc.indexOf(',', first + 1);
        if (second < 0) {
            throw new Refused("malformed gs2 header");
        }
        String cbind = rfc.substring(0, first);
        char flag;
        if (cbind.equals("n") || cbind.equals("y")) {
            flag = cbind.charAt(0);
        } else if (cbind.startsWith("p=")) {
            if (!cbind.substring(2).equals(CHANNEL_BINDING)) {
                throw new Refused(cbind.substring(2) + ": unsupported channel binding type");
            }
            flag = 'p';
        } else {
            throw new Refused("malformed gs2 channel binding flag");
        }
        String gs2 = rfc.substring(0, second + 1);
        String bare = rfc.substring(second + 1);
        String user = null;
        byte[] nonce = null;
        for (String part : bare.split(",", -1)) {
            if (part.startsWith("n=")) {
                user = part.substring(2);
            } else if (part.startsWith("r=")) {
                nonce = b64(part.substring(2));
            } else if (part.startsWith("m=")) {
                throw new Refused("mandatory extensions are not supported");
            }
        }
        if (user == null || user.isEmpty() || nonce == null || nonce.length != NONCE_BYTES) {
            throw new Refused("malformed client first message");
        }
        int colon = user.lastIndexOf(':');
        int keyId = 0;
        String name = user;
        if (colon > 0) {
            try {
                keyId = Integer.parseInt(user.substring(colon + 1));
                name = user.substring(0, colon);
            } catch (NumberFormatException e) {
                keyId = 0;
            }
        }
        return new ClientFirst(gs2, flag, name, keyId, bare, nonce);
    }

    /** The server-first-message for {@code first}: both nonces, the key's salt and iteration count. */
    static Exchange serverFirst(ClientFirst first, StoredCredentials stored) {
        byte[] serverNonce = new byte[NONCE_BYTES];
        NasState.RANDOM.nextBytes(serverNonce);
        byte[] nonce = new byte[2 * NONCE_BYTES];
        System.arraycopy(first.nonce(), 0, nonce, 0, NONCE_BYTES);
        System.arraycopy(serverNonce, 0, nonce, NONCE_BYTES, NONCE_BYTES);
        String serverFirst = "r=" + Base64.getEncoder().encodeToString(nonce) + ",s="
                + Base64.getEncoder().encodeToString(stored.salt()) + ",i=" + stored.iterations();
        return new Exchange(first.username(), first.keyId(), first.gs2Header(), first.bare(), serverFirst, nonce,
                first.flag() == 'p');
    }

    /**
     * Checks the client-final-message ({@code c=...,r=...,p=...}) against the stored keys and, for a bound
     * exchange, the server's certificate; answers the server-final-message {@code v=<ServerSignature>}.
     *
     * @param certificateDer the DER of the certificate the server serves (for {@code tls-server-end-point})
     */
    static String clientFinal(Exchange exchange, String rfc, StoredCredentials stored, byte[] certificateDer)
            throws Refused {
        if (rfc == null) {
            throw new Refused("missing client final message");
        }
        int proofAt = rfc.lastIndexOf(",p=");
        if (proofAt < 0) {
            throw new Refused("client final message has no proof");
        }
        String withoutProof = rfc.substring(0, proofAt);
        byte[] proof = b64(rfc.substring(proofAt + 3));
        String channel = null;
        byte[] nonce = null;
        for (String part : withoutProof.split(",", -1)) {
            if (part.startsWith("c=")) {
                channel = part.substring(2);
            } else if (part.startsWith("r=")) {
                nonce = b64(part.substring(2));
            }
        }
        if (channel == null || nonce == null || proof == null || proof.length != 64) {
            throw new Refused("malformed client final message");
        }
        if (!MessageDigest.isEqual(nonce, exchange.nonce())) {
            throw new Refused("nonce mismatch");
        }
        byte[] cbindInput = b64(channel);
        byte[] expected = exchange.gs2Header().getBytes(StandardCharsets.US_ASCII);
        if (exchange.bound()) {
            byte[] binding = tlsServerEndPoint(certificateDer);
            byte[] both = Arrays.copyOf(expected, expected.length + binding.length);
            System.arraycopy(binding, 0, both, expected.length, binding.length);
            expected = both;
        }
        if (cbindInput == null || !MessageDigest.isEqual(cbindInput, expected)) {
            throw new Refused(exchange.bound() ? "channel binding does not match the server certificate"
                    : "channel binding data does not match the gs2 header");
        }
        String authMessage = exchange.clientFirstBare() + "," + exchange.serverFirst() + "," + withoutProof;
        byte[] auth = authMessage.getBytes(StandardCharsets.UTF_8);
        try {
            byte[] clientSignature = hmac(stored.storedKey(), auth);
            byte[] clientKey = new byte[proof.length];
            for (int i = 0; i < proof.length; i++) {
                clientKey[i] = (byte) (proof[i] ^ clientSignature[i]);
            }
            if (!MessageDigest.isEqual(MessageDigest.getInstance("SHA-512").digest(clientKey), stored.storedKey())) {
                throw new Refused("client proof verification failed");
            }
            return "v=" + Base64.getEncoder().encodeToString(hmac(stored.serverKey(), auth));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("emulator: SHA-512 is not available in this JVM", e);
        }
    }

    /**
     * RFC 5929 4.1 {@code tls-server-end-point}: the certificate hashed with its signature's hash, MD5 and SHA-1
     * taken as SHA-256. The emulator's certificate is ECDSA with SHA-256.
     */
    static byte[] tlsServerEndPoint(byte[] certificateDer) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(certificateDer);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("emulator: SHA-256 is not available in this JVM", e);
        }
    }

    private static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA512");
        mac.init(new SecretKeySpec(key, "HmacSHA512"));
        return mac.doFinal(data);
    }

    private static byte[] b64(String text) {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
