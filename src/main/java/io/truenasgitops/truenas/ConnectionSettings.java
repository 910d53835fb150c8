package io.truenasgitops.truenas;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything needed to connect to one NAS. Build with {@link #builder(String)}; null durations take the defaults.
 *
 * @param url {@code wss://host[:port]} (protocol chosen automatically), or ending in {@code /api/current},
 *     {@code /api/vXX.YY.Z} (JSON-RPC) or {@code /websocket} (legacy); {@code ws://} only for loopback when an API
 *     key is used; {@code ws+unix:///var/run/middleware/middlewared.sock} for the local unix socket
 * @param apiKey the API key ({@code <id>-<64 chars>}), or null
 * @param username the key's owner (25.04+ {@code auth.login_ex}, SCRAM) or the user to log in with a password;
 *     null: on 24.10 the key logs in alone; on a NAS without SCRAM the owner is looked up with a legacy login over
 *     verified TLS or the unix socket; with SCRAM it must be given
 * @param password the password, or null (used only when there is no API key)
 * @param otp a one-time password, sent only when the server asks for one ({@code OTP_REQUIRED})
 * @param sessionToken a session token made by {@code auth.generate_token} on a logged-in session, used instead of
 *     an API key or password ({@code auth.login_ex} TOKEN_PLAIN on 25.04+, {@code auth.login_with_token} on 24.10);
 *     null for none. A token logs in one session, so reconnects use a single-use token the client asks for
 *     while logged in
 * @param tlsFingerprint the SHA-256 fingerprint of the NAS's certificate to pin (hex, colons optional), or null
 * @param caFile a PEM file with the CA (or the self-signed certificate) to trust, or null
 * @param insecure skip certificate verification entirely (logged as a warning; prefer a fingerprint)
 * @param protocol AUTO (probe), JSONRPC or LEGACY; must agree with a URL that names a path
 * @param connectTimeout how long the first connection (TLS, login, job subscription) may take
 * @param callTimeout how long one call may wait for its answer
 * @param jobTimeout how long waiting for a job's end may take
 * @param pingInterval how often to send {@code core.ping} (nginx drops a WebSocket silent for 60 s)
 * @param jobPollInterval how often to poll {@code core.get_jobs} for an awaited job, besides its events
 * @param reconnectInitialDelay the first reconnect delay; doubled on every failed attempt
 * @param reconnectMaxDelay the cap of the reconnect delay (a random jitter takes up to half of it off)
 * @param maxInFlight how many calls may await an answer at once on the connection (the rest wait client-side)
 * @param apiKeyMechanism how the API key logs in on JSON-RPC: AUTO (SCRAM-SHA-512 where the NAS offers it, else
 *     API_KEY_PLAIN), SCRAM or PLAIN; null is AUTO
 */
public record ConnectionSettings(
        String url,
        String apiKey,
        String username,
        String password,
        String otp,
        String sessionToken,
        String tlsFingerprint,
        Path caFile,
        boolean insecure,
        Protocol protocol,
        Duration connectTimeout,
        Duration callTimeout,
        Duration jobTimeout,
        Duration pingInterval,
        Duration jobPollInterval,
        Duration reconnectInitialDelay,
        Duration reconnectMaxDelay,
        int maxInFlight,
        ApiKeyMechanism apiKeyMechanism) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(60);
    /** Compose actions may take 1200 s on the NAS; a job doing several of them needs more. */
    public static final Duration DEFAULT_JOB_TIMEOUT = Duration.ofMinutes(30);
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(25);
    public static final Duration DEFAULT_JOB_POLL_INTERVAL = Duration.ofSeconds(20);
    public static final Duration DEFAULT_RECONNECT_INITIAL_DELAY = Duration.ofSeconds(1);
    public static final Duration DEFAULT_RECONNECT_MAX_DELAY = Duration.ofSeconds(60);
    /** The middleware runs 10 calls per connection and queues 10 more; 8 leaves room for pings. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 8;

    public ConnectionSettings {
        if (url == null || url.isBlank()) {
            throw new InvalidSettingsException(
                    "no TrueNAS URL given: set --url or TRUENAS_URL, e.g. wss://nas.local");
        }
        protocol = protocol == null ? Protocol.AUTO : protocol;
        connectTimeout = orDefault(connectTimeout, DEFAULT_CONNECT_TIMEOUT);
        callTimeout = orDefault(callTimeout, DEFAULT_CALL_TIMEOUT);
        jobTimeout = orDefault(jobTimeout, DEFAULT_JOB_TIMEOUT);
        pingInterval = orDefault(pingInterval, DEFAULT_PING_INTERVAL);
        jobPollInterval = orDefault(jobPollInterval, DEFAULT_JOB_POLL_INTERVAL);
        reconnectInitialDelay = orDefault(reconnectInitialDelay, DEFAULT_RECONNECT_INITIAL_DELAY);
        reconnectMaxDelay = orDefault(reconnectMaxDelay, DEFAULT_RECONNECT_MAX_DELAY);
        maxInFlight = maxInFlight <= 0 ? DEFAULT_MAX_IN_FLIGHT : maxInFlight;
        apiKeyMechanism = apiKeyMechanism == null ? ApiKeyMechanism.AUTO : apiKeyMechanism;
        apiKey = blankToNull(apiKey);
        username = blankToNull(username);
        password = blankToNull(password);
        otp = blankToNull(otp);
        sessionToken = blankToNull(sessionToken);
        tlsFingerprint = blankToNull(tlsFingerprint);
    }

    /** A builder starting from the defaults. */
    public static Builder builder(String url) {
        return new Builder(url);
    }

    /** A builder holding these settings, to change some of them. */
    public Builder toBuilder() {
        Builder b = new Builder(url);
        b.apiKey = apiKey;
        b.username = username;
        b.password = password;
        b.otp = otp;
        b.sessionToken = sessionToken;
        b.tlsFingerprint = tlsFingerprint;
        b.caFile = caFile;
        b.insecure = insecure;
        b.protocol = protocol;
        b.connectTimeout = connectTimeout;
        b.callTimeout = callTimeout;
        b.jobTimeout = jobTimeout;
        b.pingInterval = pingInterval;
        b.jobPollInterval = jobPollInterval;
        b.reconnectInitialDelay = reconnectInitialDelay;
        b.reconnectMaxDelay = reconnectMaxDelay;
        b.maxInFlight = maxInFlight;
        b.apiKeyMechanism = apiKeyMechanism;
        return b;
    }

    /** Never shows the API key, password, session token or OTP. */
    @Override
    public String toString() {
        return "ConnectionSettings[url=" + url + ", apiKey=" + (apiKey == null ? "none" : "***") + ", username="
                + username + ", password=" + (password == null ? "none" : "***") + ", sessionToken="
                + (sessionToken == null ? "none" : "***") + ", tlsFingerprint="
                + tlsFingerprint + ", caFile=" + caFile + ", insecure=" + insecure + ", protocol=" + protocol
                + ", apiKeyMechanism=" + apiKeyMechanism + "]";
    }

    private static Duration orDefault(Duration value, Duration fallback) {
        return value == null || value.isZero() || value.isNegative() ? fallback : value;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** Mutable builder of {@link ConnectionSettings}. */
    public static final class Builder {
        private final String url;
        private String apiKey;
        private String username;
        private String password;
        private String otp;
        private String sessionToken;
        private String tlsFingerprint;
        private Path caFile;
        private boolean insecure;
        private Protocol protocol = Protocol.AUTO;
        private Duration connectTimeout;
        private Duration callTimeout;
        private Duration jobTimeout;
        private Duration pingInterval;
        private Duration jobPollInterval;
        private Duration reconnectInitialDelay;
        private Duration reconnectMaxDelay;
        private int maxInFlight;
        private ApiKeyMechanism apiKeyMechanism;

        private Builder(String url) {
            this.url = url;
        }

        public Builder apiKey(String value) { this.apiKey = value; return this; }
        public Builder username(String value) { this.username = value; return this; }
        public Builder password(String value) { this.password = value; return this; }
        public Builder otp(String value) { this.otp = value; return this; }
        public Builder sessionToken(String value) { this.sessionToken = value; return this; }
        public Builder tlsFingerprint(String value) { this.tlsFingerprint = value; return this; }
        public Builder caFile(Path value) { this.caFile = value; return this; }
        public Builder insecure(boolean value) { this.insecure = value; return this; }
        public Builder protocol(Protocol value) { this.protocol = value; return this; }
        public Builder connectTimeout(Duration value) { this.connectTimeout = value; return this; }
        public Builder callTimeout(Duration value) { this.callTimeout = value; return this; }
        public Builder jobTimeout(Duration value) { this.jobTimeout = value; return this; }
        public Builder pingInterval(Duration value) { this.pingInterval = value; return this; }
        public Builder jobPollInterval(Duration value) { this.jobPollInterval = value; return this; }
        public Builder reconnectInitialDelay(Duration value) { this.reconnectInitialDelay = value; return this; }
        public Builder reconnectMaxDelay(Duration value) { this.reconnectMaxDelay = value; return this; }
        public Builder maxInFlight(int value) { this.maxInFlight = value; return this; }
        public Builder apiKeyMechanism(ApiKeyMechanism value) { this.apiKeyMechanism = value; return this; }

        public ConnectionSettings build() {
            return new ConnectionSettings(url, apiKey, username, password, otp, sessionToken, tlsFingerprint, caFile, insecure,
                    protocol, connectTimeout, callTimeout, jobTimeout, pingInterval, jobPollInterval,
                    reconnectInitialDelay, reconnectMaxDelay, maxInFlight, apiKeyMechanism);
        }
    }
}
