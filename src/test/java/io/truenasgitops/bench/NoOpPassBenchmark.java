package io.truenasgitops.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.truenasgitops.emulator.EmulatorOptions;
import io.truenasgitops.emulator.TrueNasEmulator;
import io.truenasgitops.git.GitSettings;
import io.truenasgitops.git.JGitSource;
import io.truenasgitops.reconcile.LiveApp;
import io.truenasgitops.reconcile.PassResult;
import io.truenasgitops.reconcile.ReconcileConfig;
import io.truenasgitops.reconcile.Reconciler;
import io.truenasgitops.reconcile.SyncOptions;
import io.truenasgitops.stackcache.StackCache;
import io.truenasgitops.stacks.StackRepository;
import io.truenasgitops.stacks.StacksOptions;
import io.truenasgitops.truenas.App;
import io.truenasgitops.truenas.ConnectionSettings;
import io.truenasgitops.truenas.TrueNasClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cost of a reconcile pass with nothing to do, at {@code bench.stacks} (default 200) stacks, against the floor
 * it cannot go under: the one {@code app.query} (with {@code retrieve_config}) the pass must make, sent by a plain
 * WebSocket client (the JDK's, JSON-RPC by hand, answer parsed with Jackson) to the same emulator in the same run.
 * In one JVM: the emulator, the engine as the daemon wires it (Git source, stack cache, real client) and, for
 * comparison, the same engine without the cache. Each round times the plain query, a cached pass and an uncached
 * pass in turn, then the parts of a pass on their own. Not a test (the figures are not asserted; the counts that
 * make a pass a no-op are); run it explicitly:
 *
 * <pre>
 * ./mvnw -B -ntp -o verify -Dtest=NoOpPassBenchmark -Dsurefire.failIfNoSpecifiedTests=false -DskipITs
 * </pre>
 *
 * {@code -Dbench.rounds=N} changes the number of timed rounds (after 5 warm-up rounds). It rewrites its section of
 * {@code docs/performance.md}.
 */
public class NoOpPassBenchmark {

    static final int STACKS = Integer.getInteger("bench.stacks", 200);
    static final int ROUNDS = Integer.getInteger("bench.rounds", 30);
    static final int WARMUP = 5;
    static final double GOAL = 1.2;
    static final String START = "<!-- bench:noop-pass:start -->";
    static final String END = "<!-- bench:noop-pass:end -->";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** The engine's defaults with a short health gate and no periodic pass (the benchmark runs the passes). */
    static ReconcileConfig config(Path stateDir) {
        return new ReconcileConfig(Duration.ofHours(1), 0, Duration.ofMillis(200), Duration.ofMillis(50),
                Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofHours(6), 4, false,
                stateDir, Optional.empty(), Duration.ofSeconds(30), 500);
    }

    @Test
    void noOpPassAgainstOneAppQuery() throws Exception {
        Path repo = tmp.resolve("repo");
        Path secrets = tmp.resolve("secrets");
        List<String> names = DaemonMemoryBenchmark.generateRepository(repo, secrets, STACKS);
        assertThat(names).hasSize(STACKS);
        StacksOptions options = new StacksOptions(StacksOptions.DEFAULT_STACKS_DIR, secrets, null);
        try (TrueNasEmulator emulator = TrueNasEmulator.start(EmulatorOptions.defaults()
                .withDeployDelay(Duration.ofMillis(20)).withJobStepDelay(Duration.ofMillis(2)));
                TrueNasClient client = TrueNasClient.connect(ConnectionSettings.builder(emulator.url())
                        .apiKey(emulator.apiKey()).username(emulator.username())
                        .tlsFingerprint(emulator.tlsFingerprint()).build());
                JGitSource source = new JGitSource(GitSettings.of(repo.toUri().toString(), "main", "",
                        tmp.resolve("git-state")));
                PlainClient plain = PlainClient.connect(emulator.url(), emulator.apiKey())) {
            StackCache cache = new StackCache(options);
            try (Reconciler cached = Reconciler.builder().config(config(tmp.resolve("state-cached"))).source(source)
                    .scanner(cache::scan).target("default", client.apps()).build();
                    Reconciler uncached = Reconciler.builder().config(config(tmp.resolve("state-uncached")))
                            .source(source).scanner(root -> StackRepository.scan(root, options))
                            .target("default", client.apps()).build()) {
                settle(cached, "cached");
                assertThat(emulator.apps().list()).hasSize(STACKS);
                settle(uncached, "uncached");

                Path root = source.fetch().root();
                StackCache partCache = new StackCache(options);
                partCache.scan(root);
                Map<String, List<Double>> ms = new LinkedHashMap<>();
                long loadsBefore = cache.loads();
                int queriesBefore = emulator.calls().count("app.query");
                int writesBefore = emulator.calls().writes();
                for (int round = 0; round < WARMUP + ROUNDS; round++) {
                    boolean timed = round >= WARMUP;
                    time(ms, timed, "plain app.query", () -> plain.appQuery());
                    time(ms, timed, "no-op pass, stack cache (the daemon)", () -> noOp(cached.syncOnce(SyncOptions.all())));
                    time(ms, timed, "no-op pass, no cache", () -> noOp(uncached.syncOnce(SyncOptions.all())));
                    time(ms, timed, "part: Git fetch (local repository)", source::fetch);
                    time(ms, timed, "part: scan, stack cache", () -> partCache.scan(root));
                    time(ms, timed, "part: scan, no cache (parse, render, hash)", () -> StackRepository.scan(root, options));
                    List<App> apps = time(ms, timed, "part: app.query through the project's client", () -> client.apps().list(true));
                    time(ms, timed, "part: normalise and hash the live apps", () -> apps.stream()
                            .map(a -> LiveApp.observe("default", a)).toList());
                }
                long loads = cache.loads() - loadsBefore;
                int passes = WARMUP + ROUNDS;
                int queries = emulator.calls().count("app.query") - queriesBefore;
                int writes = emulator.calls().writes() - writesBefore;
                assertThat(loads).as("stacks rendered by the cached passes").isZero();
                assertThat(writes).as("writing calls during no-op passes").isZero();
                // per round: one query per pass (two passes), one from the project's client part, one plain
                assertThat(queries).as("app.query calls").isEqualTo(passes * 3 + passes);
                ms.forEach((k, v) -> System.out.printf(Locale.ROOT, "bench: %-50s median %7.1f ms  p90 %7.1f ms%n", k,
                        percentile(v, 50), percentile(v, 90)));
                write(ms, loads, passes);
            }
        }
    }

    static void settle(Reconciler engine, String name) {
        io.truenasgitops.reconcile.PassOutcome result = null;
        for (int i = 0; i < 8 && result != io.truenasgitops.reconcile.PassOutcome.NO_CHANGE; i++) {
            result = engine.syncOnce(SyncOptions.all()).result();
        }
        assertThat(result).as("the %s engine reaches a pass with nothing to do", name)
                .isEqualTo(io.truenasgitops.reconcile.PassOutcome.NO_CHANGE);
    }

    static PassResult noOp(PassResult pass) {
        assertThat(pass.result()).isEqualTo("no_change");
        return pass;
    }

    static <T> T time(Map<String, List<Double>> ms, boolean timed, String what, Supplier<T> work) {
        long t0 = System.nanoTime();
        T out = work.get();
        if (timed) {
            ms.computeIfAbsent(what, k -> new ArrayList<>()).add((System.nanoTime() - t0) / 1e6);
        }
        return out;
    }

    static double percentile(List<Double> values, double p) {
        return DaemonMemoryBenchmark.percentile(values, p);
    }

    // ---- the reference: a plain JSON-RPC client ---------------------------------------------------------------

    /** A WebSocket, JSON-RPC by hand: connect, log in with the API key, then one {@code app.query} per call. */
    static final class PlainClient implements AutoCloseable {
        private final WebSocket socket;
        private final StringBuilder frame = new StringBuilder();
        private volatile CompletableFuture<String> answer;
        private int id;

        private PlainClient(WebSocket.Builder builder, URI uri) {
            this.socket = builder.buildAsync(uri, new WebSocket.Listener() {
                @Override
                public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                    frame.append(data);
                    if (last) {
                        String text = frame.toString();
                        frame.setLength(0);
                        answer.complete(text);
                    }
                    ws.request(1);
                    return null;
                }
            }).join();
        }

        static PlainClient connect(String url, String apiKey) throws Exception {
            // the emulator's certificate is self-signed and on loopback: this reference client skips the checks the
            // project's client does with a pinned fingerprint (both pay for the same TLS record layer)
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, new TrustManager[] {new X509TrustManager() {
                public void checkClientTrusted(X509Certificate[] chain, String type) {}

                public void checkServerTrusted(X509Certificate[] chain, String type) {}

                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, new SecureRandom());
            System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");
            HttpClient http = HttpClient.newBuilder().sslContext(tls).build();
            PlainClient c = new PlainClient(http.newWebSocketBuilder(), URI.create(url));
            JsonNode login = c.call("auth.login_with_api_key", "[\"" + apiKey + "\"]");
            if (!login.path("result").asBoolean(false)) {
                throw new IllegalStateException("plain client login failed: " + login);
            }
            return c;
        }

        JsonNode call(String method, String params) {
            answer = new CompletableFuture<>();
            socket.sendText("{\"jsonrpc\":\"2.0\",\"id\":" + (++id) + ",\"method\":\"" + method + "\",\"params\":"
                    + params + "}", true).join();
            try {
                return JSON.readTree(answer.get(60, TimeUnit.SECONDS));
            } catch (Exception e) {
                throw new IllegalStateException(method + " failed: " + e.getMessage(), e);
            }
        }

        JsonNode appQuery() {
            JsonNode r = call("app.query", "[[], {\"extra\": {\"retrieve_config\": true}}]");
            if (r.path("result").size() != STACKS) {
                throw new IllegalStateException("app.query answered " + r.path("result").size() + " apps");
            }
            return r;
        }

        @Override
        public void close() {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
        }
    }

    // ---- the report -------------------------------------------------------------------------------------------

    static void write(Map<String, List<Double>> ms, long loads, int passes) throws IOException {
        double floor = percentile(ms.get("plain app.query"), 50);
        double pass = percentile(ms.get("no-op pass, stack cache (the daemon)"), 50);
        double before = percentile(ms.get("no-op pass, no cache"), 50);
        double ratio = pass / floor;
        List<String> lines = new ArrayList<>(List.of(
                START,
                "## No-op pass with " + STACKS + " stacks",
                "",
                "Measured by `src/test/java/io/truenasgitops/bench/NoOpPassBenchmark.java`, in one JVM: the emulator with "
                        + STACKS + " apps",
                "deployed from a generated repository (the one `DaemonMemoryBenchmark` makes), the engine as the daemon wires",
                "it (local Git source, stack cache, the project's client) and the same engine without the cache. Each of "
                        + ROUNDS + " rounds",
                "(after " + WARMUP + " warm-up rounds) times, in turn: one `app.query` with `retrieve_config` from a plain"
                        + " WebSocket client",
                "(JSON-RPC by hand, answer parsed with Jackson) — the floor, the one call a pass must make —, a pass with"
                        + " the cache,",
                "a pass without, then the parts of a pass on their own. Every timed pass was a no-op (no writing call,"
                        + " one `app.query`);",
                "the cached passes rendered " + loads + " stacks in " + passes + " passes.",
                "",
                "| what | median ms | p90 ms | × plain app.query |",
                "|---|---|---|---|"));
        ms.forEach((k, v) -> lines.add(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.2f |", k, percentile(v, 50),
                percentile(v, 90), percentile(v, 50) / floor)));
        lines.addAll(List.of(
                "",
                String.format(Locale.ROOT, "Goal of issue 11: a no-op pass ≤ %.1f× one `app.query`. Measured: %.2f×"
                        + " (%.2f× without the cache): %s.", GOAL, ratio, before / floor, ratio <= GOAL ? "met" : "not met"),
                "",
                "Measured " + Instant.now().toString().substring(0, 16) + "Z on " + Runtime.getRuntime().availableProcessors()
                        + " CPUs shared with other builds, Java " + System.getProperty("java.version") + ", commit "
                        + DaemonMemoryBenchmark.gitHead() + ". Run it with:",
                "",
                "```",
                "./mvnw -B -ntp -o verify -Dtest=NoOpPassBenchmark -Dsurefire.failIfNoSpecifiedTests=false -DskipITs",
                "```",
                "(`-Dbench.rounds=N` changes the number of rounds, `-Dbench.stacks=N` the number of stacks.)",
                END));
        String section = String.join("\n", lines);
        PerformanceReport.writeSection(section, START, END);
    }
}
