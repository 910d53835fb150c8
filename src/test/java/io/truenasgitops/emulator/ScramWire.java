package io.truenasgitops.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A SCRAM-SHA-512 client for the emulator's tests, written from RFC 5802 and the middleware's
 * {@code scram_authentication.rst} with nothing but the JDK (independent of the project's own client).
 */
final class ScramWire {
    private ScramWire() {}

    /** The channel binding a client computes: SHA-256 of the emulator certificate's DER (ECDSA with SHA-256). */
    static byte[] certificateHash(TrueNasEmulator emulator) throws Exception {
        try (var in = Files.newInputStream(emulator.caCertificatePem())) {
            byte[] der = CertificateFactory.getInstance("X.509").generateCertificate(in).getEncoded();
            return MessageDigest.getInstance("SHA-256").digest(der);
        }
    }

    /**
     * Runs the whole exchange on {@code c}; {@code gs2} is the header ({@code "n,,"} or
     * {@code "p=tls-server-end-point,,"}), {@code binding} the data appended for {@code p} (or null). Returns the
     * final answer (or the first one, when it is not SCRAM_RESPONSE); checks the server signature on success.
     */
    static JsonNode login(WireClient c, String user, String apiKey, String gs2, byte[] binding) throws Exception {
        int dash = apiKey.indexOf('-');
        String keyId = apiKey.substring(0, dash);
        String material = apiKey.substring(dash + 1);
        byte[] clientNonce = new byte[32];
        new SecureRandom().nextBytes(clientNonce);
        String bare = "n=" + user + ":" + keyId + ",r=" + Base64.getEncoder().encodeToString(clientNonce);
        JsonNode first = c.result("auth.login_ex", Map.of("mechanism", "SCRAM", "scram_type", "CLIENT_FIRST_MESSAGE",
                "rfc_str", gs2 + bare));
        if (!"SCRAM_RESPONSE".equals(first.path("response_type").asText())) {
            return first;
        }
        assertThat(first.path("scram_type").asText()).isEqualTo("SERVER_FIRST_RESPONSE");
        String serverFirst = first.path("rfc_str").asText();
        String nonce = null;
        byte[] salt = null;
        int iterations = 0;
        for (String part : serverFirst.split(",")) {
            switch (part.substring(0, 2)) {
                case "r=" -> nonce = part.substring(2);
                case "s=" -> salt = Base64.getDecoder().decode(part.substring(2));
                case "i=" -> iterations = Integer.parseInt(part.substring(2));
                default -> throw new AssertionError(part);
            }
        }
        byte[] salted = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512")
                .generateSecret(new PBEKeySpec(material.toCharArray(), salt, iterations, 512)).getEncoded();
        byte[] clientKey = hmac(salted, "Client Key");
        byte[] storedKey = MessageDigest.getInstance("SHA-512").digest(clientKey);
        byte[] header = gs2.getBytes(StandardCharsets.US_ASCII);
        byte[] cbind = binding == null ? header : concat(header, binding);
        String withoutProof = "c=" + Base64.getEncoder().encodeToString(cbind) + ",r=" + nonce;
        String authMessage = bare + "," + serverFirst + "," + withoutProof;
        byte[] signature = hmac(storedKey, authMessage);
        byte[] proof = new byte[clientKey.length];
        for (int i = 0; i < proof.length; i++) {
            proof[i] = (byte) (clientKey[i] ^ signature[i]);
        }
        JsonNode last = c.result("auth.login_ex", Map.of("mechanism", "SCRAM", "scram_type", "CLIENT_FINAL_MESSAGE",
                "rfc_str", withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof)));
        if ("SCRAM_RESPONSE".equals(last.path("response_type").asText())) {
            String expected = "v=" + Base64.getEncoder().encodeToString(hmac(hmac(salted, "Server Key"), authMessage));
            assertThat(last.path("rfc_str").asText()).isEqualTo(expected);
        }
        return last;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] hmac(byte[] key, String data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA512");
        mac.init(new SecretKeySpec(key, "HmacSHA512"));
        return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    }
}
