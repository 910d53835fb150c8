package io.truenasgitops.cli;

import io.truenasgitops.truenas.ConnectionSettings;
import io.truenasgitops.truenas.Protocol;
import io.truenasgitops.truenas.TrueNasClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import picocli.CommandLine.Option;

/**
 * The connection options every command that talks to a NAS shares ({@code @Mixin}). Each flag falls back to an
 * environment variable, so CI jobs and the container image need no flags; secrets come from files or the
 * environment, never from a flag's value (a flag would show in {@code ps} and shell history).
 */
public class ConnectionOptions {

    @Option(names = "--url", paramLabel = "URL", description = {
        "TrueNAS URL: wss://HOST[:PORT] (protocol chosen automatically), or ending in /api/current, /api/vXX.YY.Z"
                + " (JSON-RPC, 25.04+) or /websocket (legacy, 24.10); on the NAS itself also"
                + " ws+unix:///var/run/middleware/middlewared.sock (no key needed as root). Env: TRUENAS_URL."})
    String url;

    @Option(names = "--api-key-file", paramLabel = "FILE",
            description = "File holding the API key. Env: TRUENAS_API_KEY_FILE, or the key itself in TRUENAS_API_KEY.")
    Path apiKeyFile;

    @Option(names = "--username", paramLabel = "USER", description = {
        "The API key's owner (25.04+ login_ex), or the user to log in with a password. Env: TRUENAS_USERNAME."})
    String username;

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "File holding the password (with --username). Env: TRUENAS_PASSWORD_FILE, or TRUENAS_PASSWORD.")
    Path passwordFile;

    @Option(names = "--session-token-file", paramLabel = "FILE", description = {
        "File holding a session token (auth.generate_token on a logged-in session), used instead of an API key or"
                + " password. Env: TRUENAS_SESSION_TOKEN_FILE."})
    Path sessionTokenFile;

    @Option(names = "--otp", paramLabel = "CODE",
            description = "One-time password, sent only when the NAS asks for one. Env: TRUENAS_OTP.")
    String otp;

    @Option(names = "--tls-fingerprint", paramLabel = "SHA256", description = {
        "Trust exactly the certificate with this SHA-256 fingerprint (the safe way to trust a NAS's self-signed"
                + " certificate). Env: TRUENAS_TLS_FINGERPRINT."})
    String tlsFingerprint;

    @Option(names = "--ca-file", paramLabel = "PEM", description = "Trust the CA certificate(s) in this PEM file. Env: TRUENAS_CA_FILE.")
    Path caFile;

    @Option(names = "--insecure", description = "Do not verify the TLS certificate at all (prefer --tls-fingerprint). Env: TRUENAS_INSECURE=true.")
    boolean insecure;

    @Option(names = "--protocol", paramLabel = "AUTO|JSONRPC|LEGACY",
            description = "Force the wire protocol instead of probing (default: AUTO). Env: TRUENAS_PROTOCOL.")
    Protocol protocol;

    @Option(names = "--api-key-mechanism", paramLabel = "auto|scram|plain", description = {
        "How the API key logs in on 25.04+: auto (SCRAM-SHA-512 where the NAS offers it, TrueNAS 26.0+; else"
                + " API_KEY_PLAIN), scram (only SCRAM) or plain (only API_KEY_PLAIN). Default auto."
                + " Env: TRUENAS_API_KEY_MECHANISM."})
    String apiKeyMechanism;

    @Option(names = "--call-timeout", paramLabel = "SECONDS", description = "How long one call may wait for its answer (default: 60).")
    Integer callTimeoutSeconds;

    /** Where environment variables come from; tests replace it. */
    static Function<String, String> environment = System::getenv;

    /** The settings these options and the environment describe. */
    public ConnectionSettings settings() {
        String apiKey = null;
        Path keyFile = apiKeyFile != null ? apiKeyFile : pathEnv("TRUENAS_API_KEY_FILE");
        if (keyFile != null) {
            apiKey = readSecret(keyFile, "API key", "--api-key-file");
        } else if (env("TRUENAS_API_KEY") != null) {
            apiKey = env("TRUENAS_API_KEY").strip();
        }
        String password = null;
        Path pwFile = passwordFile != null ? passwordFile : pathEnv("TRUENAS_PASSWORD_FILE");
        if (pwFile != null) {
            password = readSecret(pwFile, "password", "--password-file");
        } else if (env("TRUENAS_PASSWORD") != null) {
            password = env("TRUENAS_PASSWORD");
        }
        String sessionToken = null;
        Path tokenFile = sessionTokenFile != null ? sessionTokenFile : pathEnv("TRUENAS_SESSION_TOKEN_FILE");
        if (tokenFile != null) {
            sessionToken = readSecret(tokenFile, "session token", "--session-token-file");
        }
        String u = first(url, env("TRUENAS_URL"));
        if (u == null) {
            throw new UsageException("no TrueNAS URL: pass --url wss://NAS or set TRUENAS_URL");
        }
        Protocol p = protocol;
        if (p == null && env("TRUENAS_PROTOCOL") != null) {
            try {
                p = Protocol.valueOf(env("TRUENAS_PROTOCOL").strip().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new UsageException("TRUENAS_PROTOCOL must be AUTO, JSONRPC or LEGACY, not '"
                        + env("TRUENAS_PROTOCOL") + "'");
            }
        }
        return ConnectionSettings.builder(u)
                .apiKey(apiKey)
                .username(first(username, env("TRUENAS_USERNAME")))
                .password(password)
                .otp(first(otp, env("TRUENAS_OTP")))
                .sessionToken(sessionToken)
                .tlsFingerprint(first(tlsFingerprint, env("TRUENAS_TLS_FINGERPRINT")))
                .caFile(caFile != null ? caFile : pathEnv("TRUENAS_CA_FILE"))
                .insecure(insecure || "true".equalsIgnoreCase(env("TRUENAS_INSECURE")))
                .protocol(p)
                .apiKeyMechanism(mechanism())
                .callTimeout(callTimeoutSeconds == null ? null : Duration.ofSeconds(callTimeoutSeconds))
                .build();
    }

    private io.truenasgitops.truenas.ApiKeyMechanism mechanism() {
        String value = first(apiKeyMechanism, env("TRUENAS_API_KEY_MECHANISM"));
        try {
            return io.truenasgitops.truenas.ApiKeyMechanism.parse(value);
        } catch (io.truenasgitops.truenas.InvalidSettingsException e) {
            throw new UsageException((apiKeyMechanism != null ? "--api-key-mechanism" : "TRUENAS_API_KEY_MECHANISM")
                    + ": " + e.getMessage());
        }
    }

    /** Connects with these settings (the caller closes the client). */
    public TrueNasClient connect() {
        return TrueNasClient.connect(settings());
    }

    /**
     * How long to wait before each new try when the NAS rate-limits the login: the middleware allows 20 logins a
     * minute from one address (a script running many commands in a row meets it), counted over 60 s.
     */
    static final Duration[] RATE_LIMIT_WAITS = {Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(40)};

    /**
     * Connects, and when the NAS refuses the login for its rate limit, says so on {@code err} and tries again
     * after {@link #RATE_LIMIT_WAITS} (70 s in all, more than the middleware's 60 s window).
     */
    public TrueNasClient connect(java.io.PrintWriter err) throws InterruptedException {
        ConnectionSettings settings = settings();
        for (int attempt = 0;; attempt++) {
            try {
                return TrueNasClient.connect(settings);
            } catch (io.truenasgitops.truenas.RateLimitedException e) {
                if (attempt >= RATE_LIMIT_WAITS.length) {
                    throw e;
                }
                Duration wait = RATE_LIMIT_WAITS[attempt];
                err.println("the NAS refused the login for now: it allows 20 logins a minute from one address"
                        + " (many commands in a row?); trying again in "
                        + io.truenasgitops.reconcile.Durations.human(wait) + " (try " + (attempt + 2) + " of "
                        + (RATE_LIMIT_WAITS.length + 1) + ")");
                err.flush();
                Thread.sleep(wait.toMillis());
            }
        }
    }

    private static String env(String name) {
        String value = environment.apply(name);
        return value == null || value.isBlank() ? null : value;
    }

    private static Path pathEnv(String name) {
        String value = env(name);
        return value == null ? null : Path.of(value.strip());
    }

    private static String first(String a, String b) {
        return a != null && !a.isBlank() ? a : b;
    }

    private static String readSecret(Path file, String what, String flag) {
        try {
            String value = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (value.isEmpty()) {
                throw new UsageException("the " + what + " file " + file + " (" + flag + ") is empty");
            }
            return value;
        } catch (IOException e) {
            throw new UsageException("cannot read the " + what + " file " + file + " (" + flag + "): " + e.getMessage());
        }
    }
}
