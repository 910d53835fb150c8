package io.truenasgitops.app;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A webhook receiver on 127.0.0.1 and a signing key file, configured as the daemon's notification target
 * {@code hook}. Tests read what arrived from {@link #received}.
 */
public class NotifyReceiverResource implements QuarkusTestResourceLifecycleManager {

    public static final String SIGNING_KEY = "notify-signing-key";

    /** One request: its headers (lower-case names) and body. */
    public record Received(Map<String, String> headers, String body) {}

    public static final List<Received> received = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private Path keyFile;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/hook", exchange -> {
                Map<String, String> headers = new java.util.TreeMap<>();
                exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
                received.add(new Received(headers, new String(exchange.getRequestBody().readAllBytes(),
                        StandardCharsets.UTF_8)));
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            });
            server.start();
            keyFile = Files.createTempFile("notify-signing", ".key");
            Files.writeString(keyFile, SIGNING_KEY + "\n");
            return Map.of(
                    "truenas-gitops.notify.targets.hook.type", "webhook",
                    "truenas-gitops.notify.targets.hook.url",
                    "http://127.0.0.1:" + server.getAddress().getPort() + "/hook",
                    "truenas-gitops.notify.targets.hook.secret-file", keyFile.toString(),
                    "truenas-gitops.notify.status-url", "https://gitops.home.test/");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
        try {
            if (keyFile != null) {
                Files.deleteIfExists(keyFile);
            }
        } catch (IOException e) {
            // best effort
        }
    }
}
