package io.truenasgitops.git;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.PacketLineOut;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.RefAdvertiser;
import org.eclipse.jgit.transport.UploadPack;

/**
 * A minimal Git smart-HTTP server (protocol v0: upload-pack, and receive-pack once {@link #allowPush()}) on
 * 127.0.0.1 that demands HTTP Basic authentication with one user and token, and records every Authorization header
 * it receives.
 */
public final class TestGitHttpServer implements AutoCloseable {

    private final HttpServer server;
    private final Repository repo;
    private volatile String expectedAuthorization;
    private volatile boolean pushAllowed;
    final List<String> authorizations = new CopyOnWriteArrayList<>();
    final List<String> requests = new CopyOnWriteArrayList<>();

    public TestGitHttpServer(Repository repo, String user, String token) throws IOException {
        this.repo = repo;
        accept(user, token);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/org/repo.git/", this::handle);
        server.start();
    }

    /** Accepts pushes (git-receive-pack) from then on; before, a push is answered 403 as a read-only token would be. */
    public void allowPush() {
        pushAllowed = true;
    }

    /** Changes the credentials the server accepts (a rotated token). */
    void accept(String user, String token) {
        expectedAuthorization = "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + token).getBytes(StandardCharsets.UTF_8));
    }

    /** The repository URL, as {@code http://127.0.0.1:PORT/org/repo.git}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/org/repo.git";
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            requests.add(ex.getRequestMethod() + " " + path);
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (auth != null) {
                authorizations.add(auth);
            }
            if (!expectedAuthorization.equals(auth)) {
                ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"test git\"");
                ex.sendResponseHeaders(401, -1);
                return;
            }
            if (path.endsWith("/info/refs") && "service=git-upload-pack".equals(ex.getRequestURI().getQuery())) {
                ex.getResponseHeaders().add("Content-Type", "application/x-git-upload-pack-advertisement");
                ex.getResponseHeaders().add("Cache-Control", "no-cache");
                ex.sendResponseHeaders(200, 0);
                try (OutputStream out = ex.getResponseBody()) {
                    PacketLineOut pck = new PacketLineOut(out);
                    pck.writeString("# service=git-upload-pack\n");
                    pck.end();
                    UploadPack up = new UploadPack(repo);
                    up.setBiDirectionalPipe(false);
                    up.sendAdvertisedRefs(new RefAdvertiser.PacketLineOutRefAdvertiser(pck));
                }
            } else if (path.endsWith("/git-upload-pack") && "POST".equals(ex.getRequestMethod())) {
                InputStream in = ex.getRequestBody();
                if ("gzip".equals(ex.getRequestHeaders().getFirst("Content-Encoding"))) {
                    in = new GZIPInputStream(in);
                }
                ex.getResponseHeaders().add("Content-Type", "application/x-git-upload-pack-result");
                ex.sendResponseHeaders(200, 0);
                try (OutputStream out = ex.getResponseBody()) {
                    UploadPack up = new UploadPack(repo);
                    up.setBiDirectionalPipe(false);
                    up.upload(in, out, null);
                }
            } else if (path.endsWith("/info/refs") && "service=git-receive-pack".equals(ex.getRequestURI().getQuery())) {
                if (!pushAllowed) {
                    ex.sendResponseHeaders(403, -1);
                    return;
                }
                ex.getResponseHeaders().add("Content-Type", "application/x-git-receive-pack-advertisement");
                ex.getResponseHeaders().add("Cache-Control", "no-cache");
                ex.sendResponseHeaders(200, 0);
                try (OutputStream out = ex.getResponseBody()) {
                    PacketLineOut pck = new PacketLineOut(out);
                    pck.writeString("# service=git-receive-pack\n");
                    pck.end();
                    ReceivePack rp = new ReceivePack(repo);
                    rp.setBiDirectionalPipe(false);
                    rp.sendAdvertisedRefs(new RefAdvertiser.PacketLineOutRefAdvertiser(pck));
                }
            } else if (path.endsWith("/git-receive-pack") && "POST".equals(ex.getRequestMethod()) && pushAllowed) {
                InputStream in = ex.getRequestBody();
                if ("gzip".equals(ex.getRequestHeaders().getFirst("Content-Encoding"))) {
                    in = new GZIPInputStream(in);
                }
                ex.getResponseHeaders().add("Content-Type", "application/x-git-receive-pack-result");
                ex.sendResponseHeaders(200, 0);
                try (OutputStream out = ex.getResponseBody()) {
                    ReceivePack rp = new ReceivePack(repo);
                    rp.setBiDirectionalPipe(false);
                    rp.receive(in, out, null);
                }
            } else {
                ex.sendResponseHeaders(404, -1);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
