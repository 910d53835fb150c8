package io.truenasgitops.api;

import io.truenasgitops.secretfiles.Secrets;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Checks the {@code Authorization: Bearer <token>} of a request against the configured API token.
 * Pure; {@link AuthFilter} applies it to the REST API.
 */
public final class BearerAuth {

    private static final String SCHEME = "bearer ";

    private final byte[] token;

    /** @param token the configured token; empty means no token is configured */
    public BearerAuth(Optional<byte[]> token) {
        this.token = token.map(byte[]::clone).orElse(null);
    }

    /** The verdict on one request. */
    public enum Decision {
        ALLOWED,
        /** No (or a non-bearer) Authorization header: 401. */
        MISSING,
        /** A bearer token that is not the configured one: 403. */
        WRONG,
        /** The daemon has no token, so nothing that needs one is allowed: 403. */
        NOT_CONFIGURED
    }

    /** Whether a token is configured. */
    public boolean configured() {
        return token != null;
    }

    /** Judges the value of the request's {@code Authorization} header (null when absent). */
    public Decision check(String authorization) {
        if (token == null) {
            return Decision.NOT_CONFIGURED;
        }
        if (authorization == null || authorization.length() <= SCHEME.length()
                || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return Decision.MISSING;
        }
        byte[] given = authorization.substring(SCHEME.length()).strip().getBytes(StandardCharsets.UTF_8);
        return Secrets.constantTimeEquals(token, given) ? Decision.ALLOWED : Decision.WRONG;
    }

    /**
     * A value derived from the token (HMAC-SHA256 over {@code purpose}), for a browser session cookie: it proves
     * that its holder knew the token without carrying the token itself. Empty when no token is configured.
     */
    public java.util.Optional<String> derive(String purpose) {
        if (token == null) {
            return java.util.Optional.empty();
        }
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(token, "HmacSHA256"));
            return java.util.Optional.of(java.util.HexFormat.of().formatHex(mac.doFinal(purpose.getBytes(StandardCharsets.UTF_8))));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("the JVM has no HmacSHA256", e);
        }
    }

    /** Judges a value made by {@link #derive} (null when absent), in constant time. */
    public Decision checkDerived(String purpose, String value) {
        if (token == null) {
            return Decision.NOT_CONFIGURED;
        }
        if (value == null || value.isBlank()) {
            return Decision.MISSING;
        }
        return Secrets.constantTimeEquals(derive(purpose).orElseThrow().getBytes(StandardCharsets.UTF_8),
                value.strip().getBytes(StandardCharsets.UTF_8)) ? Decision.ALLOWED : Decision.WRONG;
    }

    /** The problem to answer a denied request with. */
    public static ApiProblem problem(Decision decision) {
        return switch (decision) {
            case MISSING -> new ApiProblem(401, "unauthorized", "Authentication required",
                    "this endpoint needs the API token: send Authorization: Bearer <token>",
                    java.util.Map.of("WWW-Authenticate", "Bearer realm=\"truenas-gitops\""));
            case WRONG -> new ApiProblem(403, "forbidden", "Wrong token",
                    "the bearer token is not the daemon's API token (truenas-gitops.api.token-file)");
            case NOT_CONFIGURED -> new ApiProblem(403, "api-token-not-configured", "No API token configured",
                    "this endpoint is disabled until the daemon has an API token: set truenas-gitops.api.token-file"
                            + " (TRUENAS_GITOPS_API_TOKEN_FILE)");
            case ALLOWED -> throw new IllegalArgumentException("an allowed request is no problem");
        };
    }
}
