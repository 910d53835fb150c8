package io.truenasgitops.truenas;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place that opens connections to a middleware: the protocol probe ({@code GET /api/versions}) and the
 * WebSocket, over TCP/TLS (Vert.x's WebSocket client) or over a unix socket ({@link UnixWebSocket}). Everything
 * above it (login, calls, jobs, reconnects) only sees {@link WireSocket}. Use on one Vert.x context.
 */
final class Transport {
    /** The middleware closes an authenticated connection on a message above 64 KiB (utils/limits.py). */
    static final int MAX_REQUEST_BYTES = 64 * 1024;
    /** Answers are not limited by the middleware (aiohttp sends each in one frame): a generous cap. */
    static final int MAX_ANSWER_BYTES = 64 * 1024 * 1024;

    private final Vertx vertx;
    private final ConnectionSettings settings;
    private final TlsTrust trust;
    /** The addresses the loopback check decided on (empty: connect by name); tried in order, never re-resolved. */
    private final List<java.net.InetAddress> pinned;
    private final List<Future<Void>> closing = new ArrayList<>();
    private WebSocketClient wsClient;
    private HttpClient unixClient;

    Transport(Vertx vertx, ConnectionSettings settings, TlsTrust trust, List<java.net.InetAddress> pinned) {
        this.vertx = vertx;
        this.settings = settings;
        this.trust = trust;
        this.pinned = List.copyOf(pinned);
    }

    /**
     * Runs {@code attempt} for each pinned address in turn until one connects (a refused or timed-out TCP
     * connect moves on to the next; any other failure is final), or once with null when nothing is pinned.
     */
    private <T> Future<T> overPinned(java.util.function.Function<java.net.InetAddress, Future<T>> attempt) {
        if (pinned.isEmpty()) {
            return attempt.apply(null);
        }
        return overPinned(attempt, 0);
    }

    private <T> Future<T> overPinned(java.util.function.Function<java.net.InetAddress, Future<T>> attempt, int i) {
        return attempt.apply(pinned.get(i)).recover(e -> e instanceof java.net.ConnectException && i + 1 < pinned.size()
                ? overPinned(attempt, i + 1)
                : Future.failedFuture(e));
    }

    /** The Host header a connection by address sends: the name from the URL, as a connection by name would. */
    private static String hostHeader(Endpoint endpoint) {
        boolean defaultPort = endpoint.port() == (endpoint.tls() ? 443 : 80);
        return endpoint.hostForUri() + (defaultPort ? "" : ":" + endpoint.port());
    }

    /**
     * Refuses a unix socket when this Vert.x cannot open one, before anything is sent.
     *
     * @param ownVertx whether the client created the Vert.x instance (else the caller must enable the transport)
     */
    static void checkSupported(Endpoint endpoint, Vertx vertx, boolean ownVertx) {
        if (!endpoint.isUnixSocket() || vertx.isNativeTransportEnabled()) {
            return;
        }
        Throwable cause = vertx.unavailableNativeTransportCause();
        throw new InvalidSettingsException("cannot connect to the unix socket " + endpoint.socketPath()
                + ": unix sockets need Netty's native epoll transport, which is not available here"
                + (cause == null ? "" : " (" + cause.getMessage() + ")")
                + (ownVertx
                        ? "; it is bundled for Linux on x86_64 and arm64 only: on another system connect with"
                                + " wss://NAS instead"
                        : "; create the Vert.x instance given to the client with"
                                + " new VertxOptions().setPreferNativeTransport(true)"));
    }

    /** AUTO: {@code GET /api/versions}; a JSON array means JSON-RPC (25.04+), anything else legacy (24.10). */
    Future<Protocol> probe(Endpoint endpoint) {
        HttpClientOptions options = new HttpClientOptions()
                .setConnectTimeout((int) settings.connectTimeout().toMillis())
                .setSslHandshakeTimeout(settings.connectTimeout().toMillis())
                .setSslHandshakeTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS)
                .setProtocolVersion(HttpVersion.HTTP_1_1);
        if (endpoint.tls()) {
            trust.apply(options);
        }
        HttpClient http = vertx.createHttpClient(options);
        return overPinned(address -> {
            RequestOptions request = new RequestOptions()
                    .setMethod(HttpMethod.GET)
                    .setURI("/api/versions")
                    .setFollowRedirects(false)
                    .setTimeout(settings.connectTimeout().toMillis());
            if (endpoint.isUnixSocket()) {
                request.setServer(SocketAddress.domainSocketAddress(endpoint.socketPath())).setHost("localhost")
                        .setPort(80);
            } else {
                request.setHost(endpoint.host()).setPort(endpoint.port()).setSsl(endpoint.tls());
                if (address != null) {
                    // Connect to the decided address; the request still names the host of the URL.
                    request.setServer(SocketAddress.inetSocketAddress(endpoint.port(), address.getHostAddress()));
                }
            }
            return http.request(request)
                    .compose(req -> req.send())
                    .compose(resp -> resp.body().map(body -> MiddlewareClient.decideProtocol(resp.statusCode(), body)));
        }).eventually(v -> http.close());
    }

    /** Opens the WebSocket at the endpoint's path. */
    Future<WireSocket> open(Endpoint endpoint) {
        long timeout = settings.connectTimeout().toMillis();
        if (endpoint.isUnixSocket()) {
            if (unixClient == null) {
                unixClient = vertx.createHttpClient(new HttpClientOptions()
                        .setConnectTimeout((int) timeout)
                        .setProtocolVersion(HttpVersion.HTTP_1_1));
            }
            return UnixWebSocket.open(vertx, unixClient, endpoint.socketPath(), endpoint.path(), timeout,
                    MAX_ANSWER_BYTES);
        }
        if (wsClient == null) {
            WebSocketClientOptions options = new WebSocketClientOptions()
                    .setMaxFrameSize(MAX_ANSWER_BYTES)
                    .setMaxMessageSize(MAX_ANSWER_BYTES)
                    .setConnectTimeout((int) timeout)
                    // Vert.x's own 10 s, not the connect timeout, would bound the handshake otherwise.
                    .setSslHandshakeTimeout(timeout)
                    .setSslHandshakeTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS)
                    .setTryUsePerMessageCompression(false);
            if (endpoint.tls()) {
                trust.apply(options);
            }
            wsClient = vertx.createWebSocketClient(options);
        }
        // No setTimeout() here: Vert.x 4.5 keeps that timer after the upgrade and closes the open WebSocket (close
        // code 1000) when it runs out, however busy the connection is; the daemon then reconnected every 30 s.
        return overPinned(address -> {
            WebSocketConnectOptions options = new WebSocketConnectOptions()
                    .setURI(endpoint.path())
                    .setHost(endpoint.host())
                    .setPort(endpoint.port())
                    .setSsl(endpoint.tls());
            if (address != null) {
                // Vert.x 4.5's WebSocket client connects to the host it is given (it ignores setServer): give it
                // the decided address, and the name of the URL in the Host header as a connection by name sends.
                // Only plain ws:// is pinned (wss:// is not, so SNI and the certificate check keep the name).
                options.setHost(address.getHostAddress()).putHeader("Host", hostHeader(endpoint));
            }
            // Twice the timeout: the connect and TLS handshake timeouts (each the timeout) fire first and say which
            // step hung; this bound only catches a server that accepts TLS and then never answers the upgrade.
            return upgradeWithin(wsClient.connect(options), 2 * timeout, endpoint);
        }).map(VertxWireSocket::new);
    }

    /**
     * Bounds the HTTP upgrade (TCP connect and TLS have timeouts of their own): fails after {@code timeoutMillis}
     * and closes a WebSocket that opens too late, so that nothing leaks.
     */
    private Future<WebSocket> upgradeWithin(Future<WebSocket> upgrade, long timeoutMillis, Endpoint endpoint) {
        Promise<WebSocket> bounded = Promise.promise();
        long timer = vertx.setTimer(Math.max(1, timeoutMillis), t -> bounded.tryFail(new java.util.concurrent.TimeoutException(
                "no WebSocket upgrade from " + endpoint.describe() + " within " + timeoutMillis + " ms")));
        upgrade.onComplete(result -> {
            vertx.cancelTimer(timer);
            if (result.succeeded() && !bounded.tryComplete(result.result())) {
                result.result().close();
            } else if (result.failed()) {
                bounded.tryFail(result.cause());
            }
        });
        return bounded.future();
    }

    /** Closes the underlying clients (and with them any connection still open). */
    Future<Void> close() {
        closing.clear();
        if (wsClient != null) {
            closing.add(wsClient.close());
            wsClient = null;
        }
        if (unixClient != null) {
            closing.add(unixClient.close());
            unixClient = null;
        }
        return Future.join(new ArrayList<>(closing)).<Void>mapEmpty().recover(e -> Future.succeededFuture());
    }

}
