package io.truenasgitops.emulator;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.SocketAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A TrueNAS middleware emulator on a real TLS WebSocket server: JSON-RPC 2.0 at {@code /api/current} (and the
 * pinned {@code /api/v25.04.x}), the legacy protocol at {@code /websocket}, {@code GET /api/versions}; in-memory
 * custom apps with real job semantics; fault injection; a control API for tests. See {@code docs/emulator.md}.
 *
 * <p>Start with {@link #start(EmulatorOptions)}, close when done. All methods are thread-safe.
 */
public final class TrueNasEmulator implements AutoCloseable {

    private final EmulatorOptions options;
    private final Vertx vertx;
    private final Middleware mw;
    private final SelfSignedCertificate certificate;
    private final Path caPem;
    private final EmulatedApps apps;
    private HttpServer tlsServer;
    private HttpServer plainServer;
    private HttpServer unixServer;

    private TrueNasEmulator(EmulatorOptions options) {
        this.options = options;
        // Unix sockets need Netty's native transport; TCP-only emulators keep the default one.
        this.vertx = options.unixSocket() == null ? Vertx.vertx()
                : Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        this.mw = new Middleware(options);
        this.certificate = SelfSignedCertificate.forThisJvm();
        this.apps = new EmulatedApps(mw);
        try {
            this.caPem = Files.createTempFile("truenas-emulator-ca", ".pem");
            Files.writeString(caPem, certificate.certificatePem());
            caPem.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException("emulator: cannot write the certificate PEM to a temp file", e);
        }
    }

    /** Starts an emulator and waits until it listens. */
    public static TrueNasEmulator start(EmulatorOptions options) {
        TrueNasEmulator emulator = new TrueNasEmulator(options == null ? EmulatorOptions.defaults() : options);
        try {
            emulator.listen();
        } catch (RuntimeException e) {
            emulator.close();
            throw e;
        }
        return emulator;
    }

    private void listen() {
        HttpServerOptions tls = new HttpServerOptions()
                .setHost(options.host())
                .setPort(options.port())
                .setSsl(true)
                .setKeyCertOptions(new PemKeyCertOptions()
                        .setCertValue(Buffer.buffer(certificate.certificatePem()))
                        .setKeyValue(Buffer.buffer(certificate.privateKeyPem())))
                .setMaxWebSocketFrameSize(Limits.EXTENDED + 1024)
                .setMaxWebSocketMessageSize(Limits.EXTENDED + 1024);
        tlsServer = await(vertx.createHttpServer(tls).requestHandler(r -> handle(r, true)).listen(),
                "TLS listener on " + options.host() + ":" + options.port());
        if (options.plainListener()) {
            HttpServerOptions plain = new HttpServerOptions()
                    .setHost(options.host())
                    .setPort(0)
                    .setMaxWebSocketFrameSize(Limits.EXTENDED + 1024)
                    .setMaxWebSocketMessageSize(Limits.EXTENDED + 1024);
            plainServer = await(vertx.createHttpServer(plain).requestHandler(r -> handle(r, false)).listen(),
                    "plain listener on " + options.host());
        }
        if (options.unixSocket() != null) {
            listenOnUnixSocket(options.unixSocket());
        }
    }

    /** Like middlewared: an HTTP server on the socket, made 0666 so that any local uid may connect. */
    private void listenOnUnixSocket(Path path) {
        if (!vertx.isNativeTransportEnabled()) {
            throw new IllegalStateException("emulator: cannot listen on the unix socket " + path + ": Netty's native"
                    + " epoll transport is not available here (" + vertx.unavailableNativeTransportCause() + ")");
        }
        try {
            // A socket file left by an earlier run (or a middleware restart) would make bind fail.
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException("emulator: cannot remove the old socket file " + path, e);
        }
        HttpServerOptions unix = new HttpServerOptions()
                .setMaxWebSocketFrameSize(Limits.EXTENDED + 1024)
                .setMaxWebSocketMessageSize(Limits.EXTENDED + 1024);
        unixServer = await(vertx.createHttpServer(unix).requestHandler(this::handleUnix)
                        .listen(SocketAddress.domainSocketAddress(path.toString())),
                "unix socket listener on " + path);
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw-rw-"));
        } catch (IOException | UnsupportedOperationException e) {
            throw new IllegalStateException("emulator: cannot make the socket " + path + " 0666: " + e.getMessage(), e);
        }
    }

    private static <T> T await(io.vertx.core.Future<T> future, String what) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("emulator: cannot start the " + what + ": " + e.getMessage(), e);
        }
    }

    private void handle(HttpServerRequest request, boolean tls) {
        handle(request, tls, null);
    }

    private void handleUnix(HttpServerRequest request) {
        Integer uid = options.unixPeerUid() != null ? options.unixPeerUid() : PeerCredentials.uidOf(request.connection());
        handle(request, false, uid == null ? -1 : uid);
    }

    /** {@code peerUid} is null for TCP connections and the peer's uid (-1 when unknown) on the unix socket. */
    private void handle(HttpServerRequest request, boolean tls, Integer peerUid) {
        String path = request.path();
        boolean upgrade = "websocket".equalsIgnoreCase(request.getHeader("Upgrade"));
        boolean v2410 = mw.release() == Release.V24_10;
        if (v2410 && peerUid != null && !path.equals("/websocket")) {
            // No nginx on the socket: 24.10's middlewared itself has no /api routes and answers 404 (aiohttp).
            request.response().setStatusCode(404).putHeader("Content-Type", "text/plain").end("404: Not Found");
            return;
        }
        if (path.equals("/api/versions") && !upgrade) {
            if (v2410) {
                redirectToUi(request);
            } else {
                request.response().putHeader("Content-Type", "application/json")
                        .end(Json.write(Json.valueToTree(mw.release().apiVersions())));
            }
            return;
        }
        String apiVersion = apiVersionOf(path);
        boolean rpc = apiVersion != null;
        boolean legacy = path.equals("/websocket");
        if (rpc && v2410 || path.equals("/") || (path.startsWith("/api") && !rpc && v2410)) {
            redirectToUi(request);
            return;
        }
        if ((rpc || legacy) && upgrade && faults().rejectUpgradeStatus() > 0) {
            request.response().setStatusCode(faults().rejectUpgradeStatus()).putHeader("Content-Type", "text/html")
                    .end("<html><body>" + faults().rejectUpgradeStatus() + " Service Temporarily Unavailable</body></html>");
            return;
        }
        if ((rpc || legacy) && upgrade) {
            // A unix socket is a secure transport (utils/origin.py), and has no address to rate-limit by.
            String remote = peerUid != null ? "unix:uid=" + peerUid : remoteAddress(request, tls);
            boolean secure = tls || peerUid != null || isLoopback(remote);
            HttpConnection connection = request.connection();
            request.toWebSocket().onSuccess(ws -> accept(ws, connection, remote, secure, tls, apiVersion, peerUid))
                    .onFailure(e -> { /* the client went away during the upgrade */ });
            return;
        }
        request.response().setStatusCode(404).putHeader("Content-Type", "text/plain").end("404: Not Found");
    }

    /**
     * The API version a JSON-RPC path serves: {@code /api/current} the newest, {@code /api/vXX.YY.Z} that one
     * (and {@code /api/v24.10}, which 25.04+ serve but do not list), null for any other path or on 24.10.
     */
    private String apiVersionOf(String path) {
        Release release = mw.release();
        if (!release.jsonRpc()) {
            return null;
        }
        if (path.equals("/api/current")) {
            return release.currentApiVersion();
        }
        if (!path.startsWith("/api/")) {
            return null;
        }
        String version = path.substring("/api/".length());
        return version.equals("v24.10") || release.apiVersions().contains(version) ? version : null;
    }

    private static void redirectToUi(HttpServerRequest request) {
        request.response().setStatusCode(302).putHeader("Location", "/ui/").end();
    }

    private String remoteAddress(HttpServerRequest request, boolean tls) {
        if (!tls && options.plainRemoteAddress() != null) {
            return options.plainRemoteAddress();
        }
        return request.remoteAddress() == null ? "127.0.0.1" : request.remoteAddress().hostAddress();
    }

    private static boolean isLoopback(String address) {
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private void accept(ServerWebSocket ws, HttpConnection connection, String remote, boolean secure, boolean tls,
            String apiVersion, Integer peerUid) {
        Session session = apiVersion != null
                ? new RpcSession(mw, ws, connection, remote, secure, tls, apiVersion)
                : new LegacySession(mw, ws, connection, remote, secure, tls);
        mw.register(session);
        if (peerUid != null) {
            mw.onUnixConnect(session, peerUid);
        }
        ws.textMessageHandler(text -> {
            try {
                mw.onMessage(session);
                session.onText(text);
            } catch (RuntimeException e) {
                session.closeWith(1011, String.valueOf(e.getMessage()));
            }
        });
        ws.binaryMessageHandler(b -> session.closeWith(1003, "Invalid websocket message type: <WSMsgType.BINARY: 2>"));
        ws.closeHandler(v -> mw.unregister(session));
        ws.exceptionHandler(e -> mw.unregister(session));
    }

    /** {@code wss://localhost:PORT/api/current}. */
    public String url() {
        return "wss://localhost:" + port() + "/api/current";
    }

    /** {@code ws+unix://PATH} of the unix socket, or null without one. */
    public String unixSocketUrl() {
        return unixServer == null ? null : "ws+unix://" + options.unixSocket();
    }

    /** The peer uids of the open unix socket connections, as the emulator took them (real or configured). */
    public List<Integer> unixPeerUids() {
        return mw.unixPeerUids();
    }

    /** The unix socket the emulator listens on, or null. */
    public Path unixSocket() {
        return unixServer == null ? null : options.unixSocket();
    }

    /** {@code wss://localhost:PORT/websocket}. */
    public String legacyUrl() {
        return "wss://localhost:" + port() + "/websocket";
    }

    /** {@code https://localhost:PORT}. */
    public String baseHttpsUrl() {
        return "https://localhost:" + port();
    }

    /** {@code ws://localhost:PLAINPORT/api/current}, or null without a plain listener. */
    public String plainUrl() {
        return plainServer == null ? null : "ws://localhost:" + plainServer.actualPort() + "/api/current";
    }

    /** {@code ws://localhost:PLAINPORT/websocket}, or null without a plain listener. */
    public String plainLegacyUrl() {
        return plainServer == null ? null : "ws://localhost:" + plainServer.actualPort() + "/websocket";
    }

    /** The API key the emulator accepts ({@code <id>-<64 alnum>}). */
    public String apiKey() {
        return mw.apiKey();
    }

    /** The owner of the API key. */
    public String username() {
        return options.username();
    }

    /** The password of {@link #username()}. */
    public String password() {
        return options.password();
    }

    /** SHA-256 of the certificate's DER, upper-case hex with colons. */
    public String tlsFingerprint() {
        return certificate.sha256Fingerprint();
    }

    /** The self-signed certificate as a PEM file (to trust it as a CA). */
    public Path caCertificatePem() {
        return caPem;
    }

    /** The TLS port. */
    public int port() {
        return tlsServer.actualPort();
    }

    /** The release being emulated. */
    public Release release() {
        return mw.release();
    }

    /**
     * Upgrades the emulated TrueNAS to {@code next} in place, as an upgrade of the real box does: middlewared
     * restarts as the new release (every connection dropped, jobs forgotten, job ids from 1 again) on the same
     * address, port and certificate; apps, their containers and the API key are kept (25.04 binds a migrated
     * 24.10 key with full access to the local administrator, {@link #username()} here).
     */
    public void upgradeTo(Release next) {
        mw.upgrade(next);
    }

    /**
     * With {@code EmulatorOptions.withDocker}: the engine ({@code dockerHost}, empty for the default), the compose
     * command ({@code compose}) and the emulated {@code /mnt/.ix-apps} ({@code ixAppsDir}); empty for in-memory apps.
     */
    public java.util.Map<String, String> docker() {
        java.util.Map<String, String> d = mw.dockerDescription();
        return d == null ? java.util.Map.of() : d;
    }

    /** Runtime fault injection. */
    public Faults faults() {
        return mw.faults();
    }

    /** Which images have a newer version under their tag ({@code image_updates_available}, {@code app.pull_images}). */
    public ImageUpdates imageUpdates() {
        return mw.imageUpdates();
    }

    /**
     * Which images the registries have for {@code app.image.pull}: every image, unless marked missing (or failing)
     * here.
     */
    public RegistryImages registryImages() {
        return mw.registryImages();
    }

    /** Direct access to the apps. */
    public EmulatedApps apps() {
        return apps;
    }

    /** The directories under /mnt (data folders) and the roles the key lacks. */
    public EmulatedFilesystem filesystem() {
        return mw.filesystem();
    }

    /** The emulated ZFS pools, datasets and snapshots: seed datasets, write data, inject snapshot faults. */
    public EmulatedStorage storage() {
        return mw.storage();
    }

    /** Counts of calls received, by method. */
    public CallLog calls() {
        return mw.callLog();
    }

    /** Whether the API key was revoked (used over an insecure transport). */
    public boolean apiKeyRevoked() {
        return mw.apiKeyRevoked();
    }

    /** Un-revokes the API key ({@code api_key.update(id, {"reset": true})} keeps the key here, for tests). */
    public void resetApiKey() {
        mw.revokeReset();
    }

    /**
     * Lets every session token look unused for {@code idle} longer than it was, as if that much time had passed
     * (the ttl of a token is an inactivity window), without waiting for it.
     */
    public void ageSessionTokens(java.time.Duration idle) {
        mw.ageTokens(idle);
    }

    /** How many session tokens the middleware holds (generated, not yet used up, expired or destroyed). */
    public int sessionTokens() {
        return mw.liveTokens();
    }

    /**
     * Restarts middlewared: every connection is dropped, jobs are forgotten and job ids start at 1 again;
     * apps (and their containers) stay.
     */
    public void restartMiddleware() {
        mw.restart();
    }

    /**
     * Back to a fresh box for the next test: apps removed, middleware restarted (connections dropped, jobs
     * forgotten, ids from 1), faults cleared, image updates forgotten, every image
     * pullable again, API key un-revoked, call counts reset.
     */
    public void reset() {
        apps.list().forEach(a -> apps.remove(a.name()));
        mw.restart();
        mw.faults().clear();
        mw.faults().dockerState(options.dockerState()).idleTimeout(options.idleTimeout());
        options.methodLatency().forEach(mw.faults()::latency);
        options.crashLoopApps().forEach(a -> mw.faults().crashAfterEveryStart(a, true));
        mw.revokeReset();
        mw.imageUpdates().clear();
        mw.registryImages().clear();
        mw.callLog().reset();
        mw.storage().reset();
        mw.filesystem().reset();
    }

    @Override
    public void close() {
        mw.shutdown();
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Closing is best effort: the JVM may be exiting.
        }
        try {
            if (unixServer != null) {
                Files.deleteIfExists(options.unixSocket());
            }
            Files.deleteIfExists(caPem);
        } catch (IOException e) {
            // A temp file left behind is harmless.
        }
    }
}
