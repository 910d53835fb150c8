package io.truenasgitops.truenas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.truenasgitops.emulator.EmulatorOptions;
import io.truenasgitops.emulator.TrueNasEmulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The client against the emulator over real TLS sockets: apps, jobs, errors, events, limits; both protocols. */
class TrueNasClientIT {

    static final Map<String, Object> WEB = Map.of("services", Map.of("web", Map.of("image", "nginx:1.27",
            "ports", List.of("8080:80"))));

    private final List<AutoCloseable> closeLater = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeLater.size() - 1; i >= 0; i--) {
            closeLater.get(i).close();
        }
    }

    TrueNasEmulator emulator(EmulatorOptions options) {
        TrueNasEmulator emulator = TrueNasEmulator.start(options);
        closeLater.add(emulator);
        return emulator;
    }

    static ConnectionSettings.Builder settings(TrueNasEmulator emulator, String url) {
        return ConnectionSettings.builder(url)
                .apiKey(emulator.apiKey())
                .username(emulator.username())
                .tlsFingerprint(emulator.tlsFingerprint());
    }

    TrueNasClient connect(ConnectionSettings settings) {
        TrueNasClient client = TrueNasClient.connect(settings);
        closeLater.add(client);
        return client;
    }

    static String urlFor(TrueNasEmulator emulator, String protocol) {
        return protocol.equals("LEGACY") ? emulator.legacyUrl() : emulator.url();
    }

    static long vertxInstances() {
        // every Vert.x instance starts exactly one blocked-thread checker thread
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().equals("vertx-blocked-thread-checker")).count();
    }

    @Test
    void anIdleConnectionOutlivesTheConnectTimeout() {
        // The connect timeout bounds the handshake only; it once also closed the open WebSocket (close code 1000)
        // when it ran out, so a daemon reconnected every 30 s (the demo's "connection ... was lost" 17 s after
        // its first pass).
        TrueNasEmulator emulator = emulator(EmulatorOptions.defaults());
        connect(settings(emulator, emulator.url()).build()).close(); // warm up: TLS and JIT, so 4 s is plenty
        TrueNasClient client = connect(settings(emulator, emulator.url()).connectTimeout(Duration.ofSeconds(4))
                .pingInterval(Duration.ofMillis(300)).build());
        long logins = emulator.calls().count("auth.login_ex");

        await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(9)).until(client::isConnected);

        assertThat(emulator.calls().count("auth.login_ex")).isEqualTo(logins);
        assertThat(client.apps().list(false)).isEmpty();
    }

    @Test
    void clientsOnAGivenVertxStartNoVertxOfTheirOwnAndLeaveItOpen() throws Exception {
        TrueNasEmulator emulator = emulator(EmulatorOptions.defaults());
        io.vertx.core.Vertx shared = io.vertx.core.Vertx.vertx();
        try {
            long before = vertxInstances();
            ConnectionSettings settings = settings(emulator, emulator.url()).build();
            TrueNasClient first = TrueNasClient.connect(settings, shared);
            // connecting from a thread of that very Vert.x (as a REST worker does) works too
            TrueNasClient second = shared.executeBlocking(() -> TrueNasClient.connect(settings, shared))
                    .toCompletionStage().toCompletableFuture().get();
            assertThat(first.apps().list(false)).isEmpty();
            assertThat(second.apps().dockerStatus().isRunning()).isTrue();
            assertThat(vertxInstances()).isEqualTo(before);

            first.close();
            second.close();
            // the clients did not close what they did not create
            assertThat(shared.executeBlocking(() -> "still open").toCompletionStage().toCompletableFuture().get())
                    .isEqualTo("still open");
        } finally {
            shared.close().toCompletionStage().toCompletableFuture().get();
        }
    }

    @Test
    void aClientWithoutAGivenVertxClosesTheOneItStarted() {
        TrueNasEmulator emulator = emulator(EmulatorOptions.defaults());
        long before = vertxInstances();
        TrueNasClient client = TrueNasClient.connect(settings(emulator, emulator.url()).build());
        assertThat(vertxInstances()).isEqualTo(before + 1);
        client.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> vertxInstances() == before);
    }

    @Test
    void aUrlWithoutPathSpeaksJsonRpcTo2504() {
        TrueNasEmulator emulator = emulator(EmulatorOptions.defaults());
        TrueNasClient client = connect(settings(emulator, "wss://localhost:" + emulator.port()).build());
        assertThat(client.protocol()).isEqualTo(Protocol.JSONRPC);
        assertThat(client.endpoint()).endsWith("/api/current");
        assertThat(client.apps().list(false)).isEmpty();
    }

    @Test
    void aUrlWithoutPathFallsBackToTheLegacyProtocolOn2410() {
        TrueNasEmulator emulator = emulator(EmulatorOptions.defaults()
                .withRelease(io.truenasgitops.emulator.Release.V24_10));
        TrueNasClient client = connect(settings(emulator, "wss://localhost:" + emulator.port()).username(null).build());
        assertThat(client.protocol()).isEqualTo(Protocol.LEGACY);
        App app = client.apps().create("web", WEB, JobListener.NONE);
        assertThat(app.name()).isEqualTo("web");
        assertThat(emulator.calls().count("auth.login_with_api_key")).isEqualTo(1);
        assertThat(emulator.calls().count("auth.login_ex")).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"JSONRPC", "LEGACY"})
    void theWholeAppLifecycleWorksOverBothProtocols(String protocol) {
        TrueNasEmulator emulator = emulator(EmulatorOptions.defaults());
        TrueNasClient client = connect(settings(emulator, urlFor(emulator, protocol)).build());
        assertThat(client.protocol()).hasToString(protocol);
        List<Job> updates = new CopyOnWriteArrayList<>();

        App created = client.apps().create("web", WEB, updates::add);
        assertThat(created.name()).isEqualTo("web");
        assertThat(created.customApp()).isTrue();
        assertThat(updates).isNotEmpty();
        assertThat(updates.get(updates.size() - 1).state()).isEqualTo("SUCCESS");
        assertThat(updates).extracting(Job::progressPercent).contains(100);

        App fetched = client.apps().get("web", true).orElseThrow();
        assertThat(fetched.config()).containsKey("services");
        assertThat(client.apps().config("web")).containsKey("services");
        assertThat(client.apps().list(false)).extracting(App::name).containsExactly("web");
        assertThat(client.apps().get("nope", false)).isEmpty();

        client.apps().stop("web", JobListener.NONE);
        assertThat(client.apps().get("web", false).orElseThrow().state()).isEqualTo(AppState.STOPPED);
        client.apps().start("web", JobListener.NONE);
        await().until(() -> client.apps().get("web", false).orElseThrow().state() == AppState.RUNNING);
        Map<String, App.Container> containers = client.apps().containerIds("web", false);
        assertThat(containers.values()).extracting(App.Container::serviceName).containsExactly("web");

        Map<String, Object> changed = Map.of("services", Map.of("web", Map.of("image", "nginx:1.28")));
        App updated = client.apps().update("web", changed, JobListener.NONE);
        assertThat(updated.name()).isEqualTo("web");
        assertThat(emulator.apps().get("web").orElseThrow().compose()).isEqualTo(changed);
        assertThat(client.apps().redeploy("web", JobListener.NONE).name()).isEqualTo("web");
        client.apps().pullImages("web", false, JobListener.NONE);
        assertThat(client.apps().dockerStatus().isRunning()).isTrue();

        client.apps().delete("web", DeleteOptions.defaults(), JobListener.NONE);
        assertThat(client.apps().list(false)).isEmpty();
        assertThat(emulator.calls().count("app.create")).isEqualTo(1);
        assertThat(emulator.calls().count("app.delete")).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"JSONRPC", "LEGACY"})
    void callErrorsArriveTyped(String protocol) {
        TrueNasEmulator emulator = emulator(EmulatorOptions.defaults());
        TrueNasClient client = connect(settings(emulator, urlFor(emulator, protocol)).build());

        assertThatThrownBy(() -> client.apps().config("ghost"))
                .isInstanceOf(NotFoundException.class)
                .hasMessage("failed to get the config of app 'ghost': App ghost does not exist")
                .extracting(e -> ((TrueNasException) e).errno()).isEqualTo(2);
        assertThatThrownBy(() -> client.call("app.no_such_method"))
                .isInstanceOf(MethodNotFoundException.class);
        assertThatThrownBy(() -> client.call("app.query", "not-a-filter-list"))
                .isInstanceOf(ValidationException.class)
                .satisfies(e -> assertThat(((ValidationException) e).fieldErrors()).isNotEmpty());
        // The connection is still usable after errors.
        assertThat(client.call("core.ping").asText()).isEqualTo("pong");
    }

    @ParameterizedTest
    @ValueSource(strings = {"JSONRPC", "LEGACY"})
    void failedJobsBecomeTypedErrorsCarryingTheJobId(String protocol) {
        TrueNasEmulator emulator = emulator(EmulatorOptions.defaults());
        TrueNasClient client = connect(settings(emulator, urlFor(emulator, protocol)).build());
        client.apps().create("web", WEB, JobListener.NONE);

        assertThatThrownBy(() -> client.apps().create("web", WEB, JobListener.NONE))
                .isInstanceOf(AlreadyExistsException.class)
                .hasMessageContaining("failed to create app 'web' (job ")
                .hasMessageContaining("already exists")
                .satisfies(e -> assertThat(((TrueNasException) e).jobId()).isPositive());
        assertThatThrownBy(() -> client.apps().create("Bad_Name", WEB, JobListener.NONE))
                .isInstanceOf(ValidationException.class)
                .satisfies(e -> {
                    ValidationException v = (ValidationException) e;
                    assertThat(v.jobId()).isPositive();
                    assertThat(v.fieldErrors()).extracting(FieldError::attribute).contains("app_create.app_name");
                });
        assertThatThrownBy(() -> client.apps().update("ghost", WEB, JobListener.NONE))
                .isInstanceOf(NotFoundException.class)
                .satisfies(e -> assertThat(((TrueNasException) e).jobId()).isPositive());

        emulator.faults().failNextJobWithComposeError("app.update", "web");
        assertThatThrownBy(() -> client.apps().update("web", WEB, JobListener.NONE))
                .isInstanceOf(JobFailedException.class)
                .hasMessageContaining("[EFAULT] Failed 'up' action for 'web' app");
    }

    @Test
    void aComposeOverTheFrameLimitIsRefusedBeforeSendingNamingTheAppAndSize() {
        TrueNasEmulator emulator = emulator(EmulatorOptions.defaults());
        TrueNasClient client = connect(settings(emulator, emulator.url()).build());
        Map<String, Object> huge = Map.of("services", Map.of("web", Map.of("image", "nginx",
                "environment", Map.of("BLOB", "x".repeat(70 * 1024)))));

        assertThatThrownBy(() -> client.apps().create("big", huge, JobListener.NONE))
                .isInstanceOf(FrameTooLargeException.class)
                .hasMessageContaining("failed to create app 'big'")
                .hasMessageContaining("64 KiB")
                .hasMessageMatching(".*request is \\d+ bytes.*");
        assertThat(emulator.calls().count("app.create")).isZero();
        assertThat(client.isConnected()).isTrue();
        assertThat(client.apps().list(false)).isEmpty();
    }

    @Test
    void atMostEightCallsAreInFlightAndTheRestWaitClientSide() throws Exception {
        TrueNasEmulator emulator = emulator(EmulatorOptions.defaults());
        TrueNasClient client = connect(settings(emulator, emulator.url()).build());
        // the calls the NAS received end only when the test says so, however slow the machine is
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        emulator.faults().holdUntil("app.used_ports", release);
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            List<Future<JsonNode>> results = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                results.add(pool.submit(() -> client.call("app.used_ports")));
            }
            await().until(() -> emulator.calls().count("app.used_ports") == 8);
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
                    .until(() -> emulator.calls().count("app.used_ports") == 8);
            assertThat(results).noneMatch(Future::isDone);
            release.countDown();
            for (Future<JsonNode> f : results) {
                assertThat(f.get().isArray()).isTrue();
            }
            assertThat(emulator.calls().count("app.used_ports")).isEqualTo(20);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void moreThanTwentyCallsInFlightGetTheServersTooManyCallsError() throws Exception {
        TrueNasEmulator emulator = emulator(EmulatorOptions.defaults());
        TrueNasClient client = connect(settings(emulator, emulator.url()).maxInFlight(30).build());
        // the first twenty stay in flight until every call was sent, however slow the machine is
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        emulator.faults().holdUntil("app.used_ports", release);
        ExecutorService pool = Executors.newFixedThreadPool(25);
        try {
            List<Future<?>> results = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                results.add(pool.submit(() -> client.call("app.used_ports")));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> results.stream().filter(Future::isDone).count() == 5);
            release.countDown();
            int tooMany = 0;
            for (Future<?> f : results) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(TooManyCallsException.class);
                    tooMany++;
                }
            }
            assertThat(tooMany).isEqualTo(5);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void keepalivePingsAreSentAtTheConfiguredInterval() {
        TrueNasEmulator emulator = emulator(EmulatorOptions.defaults());
        TrueNasClient client = connect(settings(emulator, emulator.url()).pingInterval(Duration.ofMillis(100)).build());
        await().until(() -> emulator.calls().count("core.ping") >= 5);
        client.close();
        int after = emulator.calls().count("core.ping");
        await().during(Duration.ofMillis(400)).until(() -> emulator.calls().count("core.ping") == after);
    }

    @Test
    void pingsKeepAConnectionAliveThroughAnIdleTimeout() {
        TrueNasEmulator emulator = emulator(EmulatorOptions.defaults());
        emulator.faults().idleTimeout(Duration.ofMillis(600));
        TrueNasClient client = connect(settings(emulator, emulator.url()).pingInterval(Duration.ofMillis(150)).build());
        await().until(() -> emulator.calls().count("core.ping") >= 8);
        assertThat(emulator.calls().count("auth.login_ex")).isEqualTo(1);
        assertThat(client.call("core.ping").asText()).isEqualTo("pong");
    }

    @ParameterizedTest
    @ValueSource(strings = {"JSONRPC", "LEGACY"})
    void aDropDuringAJobStillEndsWithTheJobsResultAndSendsNothingTwice(String protocol) {
        TrueNasEmulator emulator = emulator(EmulatorOptions.defaults().withJobStepDelay(Duration.ofMillis(150)));
        TrueNasClient client = connect(settings(emulator, urlFor(emulator, protocol))
                .reconnectInitialDelay(Duration.ofMillis(50)).build());
        emulator.faults().dropConnectionDuringNextJob("app.create");

        App created = client.apps().create("web", WEB, JobListener.NONE);

        assertThat(created.name()).isEqualTo("web");
        assertThat(emulator.apps().list()).as("one app, created once").extracting(a -> a.name())
                .containsExactly("web");
        await().untilAsserted(() -> assertThat(emulator.apps().state("web")).isEqualTo("RUNNING"));
        assertThat(emulator.calls().count("app.create")).isEqualTo(1);
        String login = protocol.equals("LEGACY") ? "auth.login_with_api_key" : "auth.login_ex";
        assertThat(emulator.calls().count(login)).isEqualTo(2);
        // The job was looked up again after the reconnect.
        assertThat(emulator.calls().count("core.get_jobs")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aJobWhoseIdNowNamesAnotherJobAfterAMiddlewareRestartHasAnUnknownOutcome() throws Exception {
        TrueNasEmulator emulator = emulator(EmulatorOptions.defaults().withJobStepDelay(Duration.ofMillis(400)));
        TrueNasClient client = connect(settings(emulator, emulator.url())
                .reconnectInitialDelay(Duration.ofMillis(1500)).reconnectMaxDelay(Duration.ofMillis(1500)).build());
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<App> create = pool.submit(() -> client.apps().create("web", WEB, JobListener.NONE));
            await().until(() -> emulator.calls().count("app.create") == 1);
            emulator.restartMiddleware();
            // Another client starts a job right away: it gets id 1 again, the id the first client awaits.
            try (TrueNasClient other = TrueNasClient.connect(settings(emulator, emulator.url()).build())) {
                emulator.apps().put("other", WEB, "RUNNING");
                other.startJob("app.stop", "other");
                assertThatThrownBy(create::get).cause()
                        .isInstanceOf(JobOutcomeUnknownException.class)
                        .hasMessageContaining("job id 1 now names another job")
                        .hasMessageContaining("app.stop");
            }
            assertThat(emulator.calls().count("app.create")).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aJobTheRestartedMiddlewareNoLongerKnowsHasAnUnknownOutcome() throws Exception {
        TrueNasEmulator emulator = emulator(EmulatorOptions.defaults().withJobStepDelay(Duration.ofMillis(400)));
        TrueNasClient client = connect(settings(emulator, emulator.url())
                .reconnectInitialDelay(Duration.ofMillis(50)).build());
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<App> create = pool.submit(() -> client.apps().create("web", WEB, JobListener.NONE));
            await().until(() -> emulator.calls().count("app.create") == 1);
            emulator.restartMiddleware();
            assertThatThrownBy(create::get).cause()
                    .isInstanceOf(JobOutcomeUnknownException.class)
                    .hasMessageContaining("no longer known to the middleware");
            assertThat(emulator.calls().count("app.create")).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aCallInFlightWhenTheConnectionDropsFailsAsConnectionLostAndTheClientComesBack() throws Exception {
        TrueNasEmulator emulator = emulator(EmulatorOptions.defaults());
        TrueNasClient client = connect(settings(emulator, emulator.url())
                .reconnectInitialDelay(Duration.ofMillis(50)).build());
        emulator.faults().latency("app.used_ports", Duration.ofSeconds(2));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<JsonNode> slow = pool.submit(() -> client.call("app.used_ports"));
            await().until(() -> emulator.calls().count("app.used_ports") == 1);
            emulator.restartMiddleware();
            assertThatThrownBy(slow::get).cause()
                    .isInstanceOf(ConnectionLostException.class)
                    .hasMessageContaining("may or may not have run");
            emulator.faults().latency("app.used_ports", Duration.ZERO);
            await().until(client::isConnected);
            assertThat(client.call("app.used_ports").isArray()).isTrue();
            assertThat(emulator.calls().count("auth.login_ex")).isEqualTo(2);
            assertThat(emulator.calls().count("core.subscribe")).isEqualTo(2);
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"JSONRPC", "LEGACY"})
    void followedLogsDeliverLinesUntilTheContainerStops(String protocol) throws Exception {
        TrueNasEmulator emulator = emulator(EmulatorOptions.defaults().withLogLineInterval(Duration.ofMillis(20)));
        TrueNasClient client = connect(settings(emulator, urlFor(emulator, protocol)).build());
        client.apps().create("web", WEB, JobListener.NONE);
        await().until(() -> client.apps().get("web", false).orElseThrow().state() == AppState.RUNNING);
        String container = client.apps().containerIds("web", true).keySet().iterator().next();
        List<LogLine> lines = new CopyOnWriteArrayList<>();

        AppsApi.LogStream stream = client.apps().followLogs("web", container, 5, lines::add);
        await().until(() -> lines.size() >= 8);
        assertThat(stream.isEnded()).isFalse();
        emulator.apps().crash("web");

        assertThat(waitForEnd(stream)).isTrue();
        assertThat(lines.get(0).data()).isNotBlank();
    }

    private static boolean waitForEnd(AppsApi.LogStream stream) throws InterruptedException {
        stream.awaitEnd(Duration.ofSeconds(10));
        return stream.isEnded();
    }

    @Test
    void followingTheLogOfAnUnknownContainerEndsWithTheMiddlewaresError() {
        TrueNasEmulator emulator = emulator(EmulatorOptions.defaults());
        TrueNasClient client = connect(settings(emulator, emulator.url()).build());
        client.apps().create("web", WEB, JobListener.NONE);

        AppsApi.LogStream stream = client.apps().followLogs("web", "f".repeat(64), null, line -> {});
        assertThatThrownBy(() -> stream.awaitEnd(Duration.ofSeconds(10)))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("not found");
    }

    @Test
    void closingALogStreamUnsubscribes() {
        TrueNasEmulator emulator = emulator(EmulatorOptions.defaults().withLogLineInterval(Duration.ofMillis(20)));
        TrueNasClient client = connect(settings(emulator, emulator.url()).build());
        client.apps().create("web", WEB, JobListener.NONE);
        await().until(() -> client.apps().get("web", false).orElseThrow().state() == AppState.RUNNING);
        String container = client.apps().containerIds("web", true).keySet().iterator().next();
        List<LogLine> lines = new CopyOnWriteArrayList<>();
        AppsApi.LogStream stream = client.apps().followLogs("web", container, 1, lines::add);
        await().until(() -> !lines.isEmpty());
        stream.close();
        await().until(() -> emulator.calls().count("core.unsubscribe") == 1);
        int seen = lines.size();
        await().during(Duration.ofMillis(200)).until(() -> lines.size() == seen);
    }

    @ParameterizedTest
    @ValueSource(strings = {"JSONRPC", "LEGACY"})
    void eventSubscriptionsDeliverAppChanges(String protocol) {
        TrueNasEmulator emulator = emulator(EmulatorOptions.defaults());
        TrueNasClient client = connect(settings(emulator, urlFor(emulator, protocol)).build());
        List<MiddlewareEvent> events = new CopyOnWriteArrayList<>();
        try (Subscription sub = client.subscribe("app.query", events::add)) {
            client.apps().create("web", WEB, JobListener.NONE);
            await().until(() -> events.stream().anyMatch(e -> e.msg().equals("added") && e.id().asText().equals("web")));
            assertThat(sub.isEnded()).isFalse();
        }
    }

    @Test
    void theJobsApiListsGetsAndAwaitsJobs() {
        TrueNasEmulator emulator = emulator(EmulatorOptions.defaults());
        TrueNasClient client = connect(settings(emulator, emulator.url()).build());
        long id = client.startJob("app.create", Map.of("app_name", "web", "custom_app", true,
                "custom_compose_config", WEB));
        List<Job> progress = new CopyOnWriteArrayList<>();
        Job done = client.jobs().await(id, progress::add, Duration.ofSeconds(30));
        assertThat(done.state()).isEqualTo("SUCCESS");
        assertThat(done.method()).isEqualTo("app.create");
        assertThat(client.jobs().get(id)).get().extracting(Job::state).isEqualTo("SUCCESS");
        assertThat(client.jobs().get(9999)).isEmpty();
        assertThat(client.jobs().list(null)).extracting(Job::id).contains(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"JSONRPC", "LEGACY"})
    void anAnswerOver64KiBArrivesWhole(String protocol) {
        // The middleware (aiohttp) sends every answer in one frame, however big: only requests are capped at 64 KiB.
        TrueNasEmulator emulator = emulator(EmulatorOptions.defaults());
        TrueNasClient client = connect(settings(emulator, urlFor(emulator, protocol)).build());
        for (int i = 0; i < 3; i++) {
            emulator.apps().put("big" + i, Map.of("services", Map.of("web", Map.of("image", "nginx:1.27",
                    "environment", Map.of("PADDING", "x".repeat(50_000))))), "RUNNING");
        }
        assertThat(client.apps().list(true)).hasSize(3)
                .allSatisfy(a -> assertThat(a.config().toString()).contains("x".repeat(50_000)));
        assertThat(client.isConnected()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"JSONRPC", "LEGACY"})
    void anUpdateOfAnAppTheNasNoLongerListsFailsWithEnoentAndSaysItDoesNotExist(String protocol) {
        // What the engine sees when the apps service stops (or someone deletes the app) after it listed the apps:
        // the middleware looks the app up first and answers ENOENT "App x does not exist".
        TrueNasEmulator emulator = emulator(EmulatorOptions.defaults());
        emulator.apps().put("web", Map.of("services", Map.of("web", Map.of("image", "nginx:1.27"))), "RUNNING");
        TrueNasClient client = connect(settings(emulator, urlFor(emulator, protocol)).build());
        emulator.faults().dockerState(io.truenasgitops.emulator.DockerState.STOPPED);
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> client.apps().update("web",
                Map.of("services", Map.of("web", Map.of("image", "nginx:1.28"))), JobListener.NONE));
        assertThat(thrown).isInstanceOf(NotFoundException.class).hasMessageContaining("App web does not exist");
        assertThat(((TrueNasException) thrown).errname()).isEqualTo("ENOENT");
    }
}
