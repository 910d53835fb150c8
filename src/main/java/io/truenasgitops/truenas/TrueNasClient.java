package io.truenasgitops.truenas;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * A logged-in connection to one TrueNAS middleware, kept alive (pings) and re-established (reconnect with
 * backoff, re-login, re-subscribe) until {@link #close()}.
 *
 * <p>All methods block the calling thread (never call them on a Vert.x event loop) and throw
 * {@link TrueNasException} subclasses. At most {@link ConnectionSettings#maxInFlight()} calls await an answer at
 * once; the rest wait client-side. Thread-safe.
 */
public interface TrueNasClient extends AutoCloseable {

    /**
     * Connects and logs in, on a Vert.x instance of its own (closed with the client).
     *
     * @throws InsecureTransportException when an API key would go over {@code ws://} to a non-loopback host
     * @throws TlsTrustException when the certificate is not trusted (the message shows its fingerprint)
     * @throws AuthenticationException when the credentials are refused
     * @throws ConnectionLostException when the NAS cannot be reached
     */
    static TrueNasClient connect(ConnectionSettings settings) {
        return MiddlewareClient.connect(settings, null);
    }

    /** Connects and logs in on the given Vert.x instance (left open on {@link #close()}). */
    static TrueNasClient connect(ConnectionSettings settings, Vertx vertx) {
        return MiddlewareClient.connect(settings, vertx);
    }

    /** A raw call with the call timeout; params are turned into JSON with Jackson. Like {@code midclt call}. */
    JsonNode call(String method, Object... params);

    /** A raw call with its own timeout. */
    JsonNode call(String method, List<?> params, Duration timeout);

    /** Calls a job method and returns the job id without waiting. */
    long startJob(String method, Object... params);

    /** Calls a job method and waits for its end; returns the SUCCESS job, throws the typed error otherwise. */
    Job callJob(String method, JobListener listener, Object... params);

    /** Subscribes to an event source; {@code onEvent} runs on a client thread (keep it quick). */
    Subscription subscribe(String name, Consumer<MiddlewareEvent> onEvent);

    /** The typed apps surface. */
    AppsApi apps();

    /** Jobs: list, get, await. */
    JobsApi jobs();

    /** The protocol in use (never AUTO once connected). */
    Protocol protocol();

    /** Where this client connects, e.g. {@code wss://nas:443/api/current}; never contains credentials. */
    String endpoint();

    /** Whether the connection is up and logged in right now. */
    boolean isConnected();

    /** Closes the connection (pending calls fail with {@link ConnectionLostException}). */
    @Override
    void close();
}
