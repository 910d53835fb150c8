package io.truenasgitops.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A headless Chromium driven over the Chrome DevTools Protocol (a WebSocket on loopback, with the JDK's own
 * client): navigate, evaluate script, type, press keys, take screenshots. No WebDriver, nothing downloaded.
 * Without a Chromium the tests using it are skipped with a message; under {@code CI=true} they fail.
 */
final class Chromium implements AutoCloseable {

    /**
     * Debian's {@code chromium} package first (CI installs it), then the Chrome that GitHub's Ubuntu runners carry
     * (the release workflow runs the tests there); {@code CHROMIUM} names another binary.
     */
    static final List<Path> KNOWN_BINARIES = List.of(Path.of("/usr/bin/chromium"), Path.of("/usr/bin/chromium-browser"),
            Path.of("/usr/bin/google-chrome"), Path.of("/usr/bin/google-chrome-stable"));
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<JsonNode> events = new CopyOnWriteArrayList<>();

    /** The DevTools port; 0 for a tab, which asks its browser. */
    private final int port;
    /** Whether closing this closes the browser (false for a tab opened by {@link #newTab}). */
    private final boolean ownsBrowser;
    /** The DevTools id of a tab opened by {@link #newTab}, else null. */
    private volatile String tabId;

    private Chromium(Process process, Path profile, WebSocket socket, int port, boolean ownsBrowser) {
        this.process = process;
        this.profile = profile;
        this.socket = socket;
        this.port = port;
        this.ownsBrowser = ownsBrowser;
    }

    /**
     * Opens another tab of the same browser (same profile, same browser session: what a person gets with Ctrl+T),
     * at {@code about:blank}; {@link #close()} on it closes only that tab.
     */
    Chromium newTab() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).proxy(HttpClient.Builder.NO_PROXY).build();
        JsonNode tab = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/json/new?about:blank")).PUT(HttpRequest.BodyPublishers.noBody()).timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        Chromium t = attach(http, tab.path("webSocketDebuggerUrl").asText(), process, profile, port, false);
        t.tabId = tab.path("id").asText();
        return t;
    }

    private static Chromium attach(HttpClient http, String pageUrl, Process process, Path profile, int port,
            boolean owns) throws IOException, InterruptedException {
        Chromium[] self = new Chromium[1];
        Listener listener = new Listener(self);
        WebSocket socket;
        try {
            socket = http.newWebSocketBuilder().connectTimeout(TIMEOUT).buildAsync(URI.create(pageUrl), listener)
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot attach to chromium: " + e, e);
        }
        self[0] = new Chromium(process, profile, socket, port, owns);
        self[0].call("Page.enable", Map.of());
        self[0].call("Runtime.enable", Map.of());
        return self[0];
    }

    /** The binary to run: {@code CHROMIUM}, or the first of {@link #KNOWN_BINARIES} that is there. */
    static Path binary() {
        String env = System.getenv("CHROMIUM");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return KNOWN_BINARIES.stream().filter(Files::isExecutable).findFirst().orElse(KNOWN_BINARIES.get(0));
    }

    /** Skips the calling test (fails it under {@code CI=true}) when there is no Chromium to run. */
    static void require() {
        Path binary = binary();
        if (Files.isExecutable(binary)) {
            return;
        }
        String message = "the status page browser tests need a headless Chromium at " + binary
                + ": install Debian's chromium package (apt-get install chromium) or set CHROMIUM";
        if ("true".equals(System.getenv("CI"))) {
            Assertions.fail(message + " (CI=true: CI must provide one)");
        }
        System.out.println("SKIPPED " + message);
        Assumptions.abort(message);
    }

    /** Starts a headless Chromium with a fresh profile and attaches to its first tab. */
    static Chromium launch() throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("truenas-gitops-chromium");
        List<String> command = List.of(binary().toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-extensions", "--disable-dev-shm-usage",
                "--no-proxy-server", "--hide-scrollbars", "--force-color-profile=srgb", "--font-render-hinting=none",
                "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
                "--user-data-dir=" + profile, "--window-size=1280,900", "about:blank");
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(profile.resolve("chromium.log").toFile()).start();
        try {
            Path portFile = profile.resolve("DevToolsActivePort");
            Awaitility.await("Chromium's DevTools port (log: " + profile.resolve("chromium.log") + ")")
                    .atMost(TIMEOUT).pollInterval(Duration.ofMillis(100))
                    .until(() -> !process.isAlive() || Files.exists(portFile) && Files.readAllLines(portFile).size() >= 2);
            if (!process.isAlive()) {
                throw new IllegalStateException("chromium exited with " + process.exitValue() + ": "
                        + Files.readString(profile.resolve("chromium.log")));
            }
            int port = Integer.parseInt(Files.readAllLines(portFile).get(0).strip());
            HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).proxy(HttpClient.Builder.NO_PROXY).build();
            JsonNode tabs = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                    .timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString()).body());
            String pageUrl = null;
            for (JsonNode tab : tabs) {
                if ("page".equals(tab.path("type").asText())) {
                    pageUrl = tab.path("webSocketDebuggerUrl").asText();
                    break;
                }
            }
            if (pageUrl == null) {
                throw new IllegalStateException("chromium has no page to drive: " + tabs);
            }
            return attach(http, pageUrl, process, profile, port, true);
        } catch (IOException | InterruptedException | RuntimeException e) {
            process.destroyForcibly();
            throw e;
        }
    }

    /** Sends one DevTools command and waits for its result. */
    JsonNode call(String method, Map<String, ?> params) {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
        message.set("params", JSON.valueToTree(params));
        try {
            socket.sendText(JSON.writeValueAsString(message), true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            JsonNode reply = answer.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (reply.has("error")) {
                throw new IllegalStateException(method + " failed: " + reply.get("error"));
            }
            return reply.path("result");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(method + " interrupted", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException | IOException e) {
            throw new IllegalStateException(method + " got no answer from chromium: " + e, e);
        } finally {
            pending.remove(id);
        }
    }

    /** Opens a URL and waits for its load event. */
    void navigate(String url) {
        int before = loadEvents();
        call("Page.navigate", Map.of("url", url));
        Awaitility.await("load of " + url).atMost(TIMEOUT).until(() -> loadEvents() > before);
    }

    private int loadEvents() {
        return (int) events.stream().filter(e -> "Page.loadEventFired".equals(e.path("method").asText())).count();
    }

    /** Evaluates a script expression in the page (promises awaited) and returns its value as JSON. */
    JsonNode eval(String expression) {
        JsonNode result = call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true,
                "awaitPromise", true));
        if (result.has("exceptionDetails")) {
            throw new IllegalStateException("script failed: " + result.get("exceptionDetails"));
        }
        return result.path("result").path("value");
    }

    /** Evaluates a script expression that yields a string. */
    String text(String expression) {
        return eval(expression).asText();
    }

    /** Presses a key as a user does (Tab, Enter). */
    void press(String key) {
        int code = switch (key) {
            case "Tab" -> 9;
            case "Enter" -> 13;
            default -> throw new IllegalArgumentException("no key code for " + key);
        };
        Map<String, Object> down = new java.util.HashMap<>(Map.of("type", "keyDown", "key", key, "code", key,
                "windowsVirtualKeyCode", code, "nativeVirtualKeyCode", code));
        if (key.equals("Enter")) {
            down.put("text", "\r");
        }
        call("Input.dispatchKeyEvent", down);
        call("Input.dispatchKeyEvent", Map.of("type", "keyUp", "key", key, "code", key,
                "windowsVirtualKeyCode", code, "nativeVirtualKeyCode", code));
    }

    /** Types text into the focused element. */
    void type(String text) {
        call("Input.insertText", Map.of("text", text));
    }

    /** Sets the viewport size (CSS pixels). */
    void viewport(int width, int height) {
        call("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height, "deviceScaleFactor", 1,
                "mobile", false));
    }

    /** Emulates {@code prefers-color-scheme}: light or dark. */
    void colorScheme(String scheme) {
        call("Emulation.setEmulatedMedia", Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
    }

    /** Turns script execution of the page off or on (reading without JavaScript). */
    void scripts(boolean enabled) {
        call("Emulation.setScriptExecutionDisabled", Map.of("value", !enabled));
    }

    /** Saves a PNG of the whole page at the given width. */
    void screenshot(Path file, int width) throws IOException {
        viewport(width, 900);
        int height = Math.max(400, Math.min(6000, eval("document.documentElement.scrollHeight").asInt()));
        viewport(width, height);
        String data = call("Page.captureScreenshot", Map.of("format", "png")).path("data").asText();
        Files.createDirectories(file.getParent());
        Files.write(file, Base64.getDecoder().decode(data));
        viewport(width, 900);
    }

    @Override
    public void close() {
        if (!ownsBrowser) {
            socket.abort();
            try {
                HttpClient.newBuilder().connectTimeout(TIMEOUT).proxy(HttpClient.Builder.NO_PROXY).build()
                        .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/close/" + tabId))
                                .timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.discarding());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
        } catch (RuntimeException e) {
            // the browser goes anyway
        }
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> walk = Files.walk(profile)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Collects (possibly fragmented) messages; answers go to their caller, the rest is kept as events. */
    private static final class Listener implements WebSocket.Listener {
        private final Chromium[] owner;
        private final StringBuilder partial = new StringBuilder();
        private final List<JsonNode> early = new ArrayList<>();

        Listener(Chromium[] owner) {
            this.owner = owner;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    JsonNode message = JSON.readTree(text);
                    Chromium c = owner[0];
                    if (c == null) {
                        early.add(message);
                    } else if (message.has("id")) {
                        CompletableFuture<JsonNode> f = c.pending.get(message.get("id").asInt());
                        if (f != null) {
                            f.complete(message);
                        }
                    } else {
                        c.events.add(message);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            webSocket.request(1);
            return null;
        }
    }
}
