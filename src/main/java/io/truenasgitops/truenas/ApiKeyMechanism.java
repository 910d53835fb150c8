package io.truenasgitops.truenas;

import java.util.Locale;

/**
 * How an API key logs in on a JSON-RPC endpoint (25.04+). The legacy {@code /websocket} of 24.10 has one way
 * only ({@code auth.login_with_api_key}), whatever this says.
 */
public enum ApiKeyMechanism {
    /**
     * SCRAM-SHA-512 when the NAS offers it ({@code auth.mechanism_choices}, TrueNAS 26.0+), else API_KEY_PLAIN;
     * never PLAIN on a NAS that logged this client in with SCRAM before (no silent downgrade).
     */
    AUTO,
    /** SCRAM-SHA-512 only: a NAS that does not offer it is an error (the key never crosses the wire). */
    SCRAM,
    /** API_KEY_PLAIN only: the key is sent, protected by TLS alone (TrueNAS before 26.0 has nothing else). */
    PLAIN;

    /** Parses {@code auto}, {@code scram} or {@code plain} (any case); null or blank is AUTO. */
    public static ApiKeyMechanism parse(String value) {
        if (value == null || value.isBlank()) {
            return AUTO;
        }
        try {
            return valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingsException("unknown API key mechanism '" + value.strip()
                    + "': use auto (SCRAM when the NAS offers it), scram or plain");
        }
    }
}
