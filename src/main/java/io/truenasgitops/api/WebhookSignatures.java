package io.truenasgitops.api;

import io.truenasgitops.secretfiles.Secrets;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks that a webhook comes from someone who knows the shared secret.
 *
 * <p>Supported proofs, looked for in this order (the first header present decides; a wrong value is not
 * retried with another header):
 * <ul>
 *   <li>{@code X-Forgejo-Signature}, {@code X-Gitea-Signature}, {@code X-Gogs-Signature}: hex HMAC-SHA256 of
 *       the raw body;</li>
 *   <li>{@code X-Hub-Signature-256} (GitHub, also sent by Gitea and Forgejo): {@code sha256=} + hex HMAC;</li>
 *   <li>{@code X-Signature-256} (generic senders): {@code sha256=} + hex HMAC, the prefix optional;</li>
 *   <li>{@code X-Gitlab-Token}: the secret itself (GitLab does not sign bodies).</li>
 * </ul>
 * Every comparison is constant-time and made over the body bytes exactly as received.
 */
public final class WebhookSignatures {

    private static final List<String> HEX_HEADERS = List.of("X-Forgejo-Signature", "X-Gitea-Signature", "X-Gogs-Signature");
    private static final String GITHUB_HEADER = "X-Hub-Signature-256";
    private static final String GENERIC_HEADER = "X-Signature-256";
    private static final String GITLAB_HEADER = "X-Gitlab-Token";
    private static final String PREFIX = "sha256=";

    private final byte[] secret;

    /** @param secret the shared secret configured on the Git server */
    public WebhookSignatures(byte[] secret) {
        if (secret == null || secret.length == 0) {
            throw new IllegalArgumentException("the webhook secret must not be empty");
        }
        this.secret = secret.clone();
    }

    /** The result of a check: whether it passed, and which header was used or what was wrong. */
    public record Check(boolean valid, String header, String problem) {
        static Check ok(String header) {
            return new Check(true, header, null);
        }

        static Check fail(String header, String problem) {
            return new Check(false, header, problem);
        }

        /** Whether the request carried no proof at all (as opposed to a wrong one). */
        public boolean missing() {
            return !valid && header == null;
        }
    }

    /** Checks the request's proof of the secret against its raw body. */
    public Check verify(HeaderLookup headers, byte[] body) {
        for (String name : HEX_HEADERS) {
            String value = headers.get(name);
            if (value != null) {
                return compareHmac(name, value.strip(), body);
            }
        }
        String github = headers.get(GITHUB_HEADER);
        if (github != null) {
            if (!github.strip().startsWith(PREFIX)) {
                return Check.fail(GITHUB_HEADER, GITHUB_HEADER + " must have the form sha256=<hex>");
            }
            return compareHmac(GITHUB_HEADER, github.strip().substring(PREFIX.length()), body);
        }
        String generic = headers.get(GENERIC_HEADER);
        if (generic != null) {
            String value = generic.strip();
            return compareHmac(GENERIC_HEADER, value.startsWith(PREFIX) ? value.substring(PREFIX.length()) : value, body);
        }
        String token = headers.get(GITLAB_HEADER);
        if (token != null) {
            return Secrets.constantTimeEquals(secret, token.getBytes(StandardCharsets.UTF_8))
                    ? Check.ok(GITLAB_HEADER)
                    : Check.fail(GITLAB_HEADER, GITLAB_HEADER + " does not match the configured webhook secret");
        }
        return Check.fail(null, "the request carries no signature: configure the webhook secret on the Git server"
                + " (one of X-Hub-Signature-256, X-Gitea-Signature, X-Forgejo-Signature, X-Gitlab-Token,"
                + " X-Signature-256 is required)");
    }

    /** Hex HMAC-SHA256 of {@code body} under the secret, as senders compute it (for tests and tools). */
    public String sign(byte[] body) {
        return HexFormat.of().formatHex(hmac(body));
    }

    private Check compareHmac(String header, String hex, byte[] body) {
        byte[] given;
        try {
            given = HexFormat.of().parseHex(hex.toLowerCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return Check.fail(header, header + " is not a hex HMAC-SHA256");
        }
        // isEqual is constant-time for equal lengths; a wrong length is no secret.
        return MessageDigest.isEqual(hmac(body), given)
                ? Check.ok(header)
                : Check.fail(header, header + " does not match the body signed with the configured webhook secret");
    }

    private byte[] hmac(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available in this JVM", e);
        }
    }
}
