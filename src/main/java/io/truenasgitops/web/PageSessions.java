package io.truenasgitops.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The status page's sign-in sessions: each sign-in gets its own random value (256 bits from {@link SecureRandom}),
 * of which only a SHA-256 hash is kept, in memory, with an expiry; signing out revokes it. Nothing is written to
 * disk, so a restart ends every session. At most {@link #MAX_SESSIONS} live at once: a sign-in beyond that ends
 * the session closest to its expiry (only holders of the API token can sign in at all).
 */
final class PageSessions {

    /** How long a session lasts after its sign-in. */
    static final Duration LIFETIME = Duration.ofHours(12);
    /** How many sessions are kept at most. */
    static final int MAX_SESSIONS = 1000;
    private static final int BYTES = 32;

    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    // hash of the cookie value -> when it expires
    private final Map<String, Instant> sessions = new ConcurrentHashMap<>();

    PageSessions(Clock clock) {
        this.clock = clock;
    }

    /** A new session: the cookie value to hand to the browser, never stored as such. */
    synchronized String start() {
        Instant now = clock.instant();
        sessions.values().removeIf(expiry -> !now.isBefore(expiry));
        while (sessions.size() >= MAX_SESSIONS) {
            sessions.entrySet().stream().min(Comparator.comparing(Map.Entry::getValue))
                    .ifPresent(e -> sessions.remove(e.getKey()));
        }
        byte[] bytes = new byte[BYTES];
        random.nextBytes(bytes);
        String value = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        sessions.put(hash(value), now.plus(LIFETIME));
        return value;
    }

    /** Whether {@code value} (null when absent) is a session started here, not revoked and not expired. */
    boolean valid(String value) {
        if (value == null || value.isBlank()) {
            return false;
        }
        String key = hash(value.strip());
        Instant expiry = sessions.get(key);
        if (expiry == null) {
            return false;
        }
        if (!clock.instant().isBefore(expiry)) {
            sessions.remove(key, expiry);
            return false;
        }
        return true;
    }

    /** Ends the session {@code value} (null or unknown: nothing to end). */
    void revoke(String value) {
        if (value != null && !value.isBlank()) {
            sessions.remove(hash(value.strip()));
        }
    }

    private static String hash(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
}
