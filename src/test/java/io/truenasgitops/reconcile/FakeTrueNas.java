package io.truenasgitops.reconcile;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.truenasgitops.truenas.App;
import io.truenasgitops.truenas.AppState;
import io.truenasgitops.truenas.AppsApi;
import io.truenasgitops.truenas.ConnectionLostException;
import io.truenasgitops.truenas.DeleteOptions;
import io.truenasgitops.truenas.DockerStatus;
import io.truenasgitops.truenas.FieldError;
import io.truenasgitops.truenas.Job;
import io.truenasgitops.truenas.JobListener;
import io.truenasgitops.truenas.TrueNasException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A hand-written in-memory TrueNAS for engine tests: apps with state and stored compose, call counting,
 * scripted job failures, connection drops, crash loops and a gate to hold a call (no mocking library).
 * Semantics follow the middleware: update of a STOPPED app only rewrites its files; create of an existing
 * app fails its job with EEXIST; job errors carry the job id.
 */
final class FakeTrueNas implements AppsApi {

    static final Set<String> WRITES = Set.of("app.create", "app.update", "app.delete", "app.start", "app.stop",
            "app.redeploy", "app.pull_images");

    private static final class FakeApp {
        AppState state;
        Map<String, Object> config;
        boolean custom = true;
    }

    private final Map<String, FakeApp> apps = new TreeMap<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final List<String> writeLog = new ArrayList<>();
    private final Map<String, TrueNasException> failNext = new ConcurrentHashMap<>();
    private final Map<String, Boolean> dropNext = new ConcurrentHashMap<>();
    private final Set<String> crashLooping = ConcurrentHashMap.newKeySet();
    private final AtomicLong jobIds = new AtomicLong();
    private final AtomicInteger concurrent = new AtomicInteger();
    private final AtomicInteger maxConcurrentPerApp = new AtomicInteger();
    private final Map<String, AtomicInteger> inFlightPerApp = new ConcurrentHashMap<>();
    private volatile boolean unreachable;
    private volatile DockerStatus docker = new DockerStatus("RUNNING", "Application(s) are currently running");
    private volatile boolean dockerStatusDenied;
    private volatile CountDownLatch holdList;
    private volatile CountDownLatch release = new CountDownLatch(0);
    private volatile CountDownLatch listEntered;

    // ---- scripting -----------------------------------------------------------------------------------------

    /** Puts an app on the NAS directly (created by hand in the UI, or by another tool). */
    synchronized FakeTrueNas seed(String name, AppState state, Map<String, Object> config) {
        FakeApp a = new FakeApp();
        a.state = state;
        a.config = deepCopy(config);
        apps.put(name, a);
        return this;
    }

    synchronized FakeTrueNas seedCatalogApp(String name) {
        seed(name, AppState.RUNNING, Map.of("services", Map.of()));
        apps.get(name).custom = false;
        return this;
    }

    /** Edits an app's stored compose as the TrueNAS UI would (our stamp stays). */
    @SuppressWarnings("unchecked")
    synchronized void uiEdit(String name, Consumer<Map<String, Object>> edit) {
        Map<String, Object> c = deepCopy(apps.get(name).config);
        edit.accept(c);
        apps.get(name).config = c;
    }

    synchronized void setState(String name, AppState s) {
        apps.get(name).state = s;
    }

    synchronized void removeByHand(String name) {
        apps.remove(name);
    }

    /** The next call of {@code method} on {@code app} fails with {@code error}. */
    void failNext(String method, String app, TrueNasException error) {
        failNext.put(method + "/" + app, error);
    }

    /** The next {@code method} on {@code app} runs to its end on the NAS, but the connection drops before the answer. */
    void dropConnectionDuringNext(String method, String app) {
        dropNext.put(method + "/" + app, true);
    }

    /** Containers of this app exit with an error shortly after every (re)start. */
    void crashLoop(String app, boolean on) {
        if (on) {
            crashLooping.add(app);
        } else {
            crashLooping.remove(app);
        }
    }

    /**
     * Sets the apps service state. Anything but RUNNING behaves as the middleware: the app list is empty (no
     * error), create fails with EFAULT "Docker service is not running" (UNCONFIGURED: "No pool configured for
     * Docker"), jobs on existing apps fail as not found. The apps themselves are kept.
     */
    void docker(String status, String description) {
        this.docker = new DockerStatus(status, description);
    }

    /** docker.status fails with "Not authorized" (a user without the DOCKER_READ role). */
    void denyDockerStatus(boolean on) {
        this.dockerStatusDenied = on;
    }

    void unreachable(boolean on) {
        this.unreachable = on;
    }

    /** The next list call blocks until {@link #releaseList()}; {@link #awaitListEntered()} waits until it is blocked. */
    void holdNextList() {
        listEntered = new CountDownLatch(1);
        release = new CountDownLatch(1);
        holdList = release;
    }

    void releaseList() {
        release.countDown();
    }

    boolean awaitListEntered() throws InterruptedException {
        return listEntered.await(10, TimeUnit.SECONDS);
    }

    // ---- inspection ----------------------------------------------------------------------------------------

    int calls(String method) {
        return calls.getOrDefault(method, new AtomicInteger()).get();
    }

    int writes() {
        return WRITES.stream().mapToInt(this::calls).sum();
    }

    synchronized List<String> writeLog() {
        return List.copyOf(writeLog);
    }

    void resetCounts() {
        calls.clear();
        synchronized (this) {
            writeLog.clear();
        }
    }

    int maxConcurrentCallsOnOneApp() {
        return maxConcurrentPerApp.get();
    }

    synchronized Optional<AppState> state(String name) {
        return Optional.ofNullable(apps.get(name)).map(a -> a.state);
    }

    synchronized Map<String, Object> storedConfig(String name) {
        return deepCopy(apps.get(name).config);
    }

    synchronized Set<String> appNames() {
        return Set.copyOf(apps.keySet());
    }

    // ---- AppsApi ---------------------------------------------------------------------------------------------

    private volatile Error errorOnNextList;

    /** The next app.query throws {@code error}: a bug deep in a pass, which the loop must survive. */
    void throwOnNextList(Error error) {
        errorOnNextList = error;
    }

    @Override
    public List<App> list(boolean retrieveConfig) {
        count("app.query");
        reachable();
        Error error = errorOnNextList;
        if (error != null) {
            errorOnNextList = null;
            throw error;
        }
        CountDownLatch hold = holdList;
        if (hold != null) {
            holdList = null;
            listEntered.countDown();
            try {
                hold.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!docker.isRunning()) {
            return List.of();
        }
        synchronized (this) {
            List<App> out = new ArrayList<>();
            apps.forEach((n, a) -> out.add(toApp(n, a, retrieveConfig)));
            return out;
        }
    }

    @Override
    public Optional<App> get(String name, boolean retrieveConfig) {
        count("app.get");
        reachable();
        synchronized (this) {
            FakeApp a = docker.isRunning() ? apps.get(name) : null;
            if (a == null) {
                return Optional.empty();
            }
            App app = toApp(name, a, retrieveConfig);
            if (crashLooping.contains(name) && a.state == AppState.RUNNING) {
                a.state = AppState.CRASHED; // running a moment, then the container exits
            }
            return Optional.of(app);
        }
    }

    @Override
    public Map<String, Object> config(String name) {
        count("app.config");
        reachable();
        synchronized (this) {
            return deepCopy(apps.get(name).config);
        }
    }

    @Override
    public App create(String name, Map<String, Object> compose, JobListener listener) {
        return job("app.create", name, listener, () -> {
            if (!docker.isRunning()) {
                throw new io.truenasgitops.truenas.AppsServiceDownException("[EFAULT] "
                        + ("UNCONFIGURED".equals(docker.status()) ? "No pool configured for Docker"
                                : "Docker service is not running"), 14, "EFAULT", List.of(), null, null);
            }
            if (apps.containsKey(name)) {
                throw jobError("[EEXIST] Application with name " + name + " already exists", 17, "EEXIST");
            }
            FakeApp a = new FakeApp();
            a.config = deepCopy(compose);
            a.state = AppState.RUNNING;
            apps.put(name, a);
            return toApp(name, a, false);
        });
    }

    @Override
    public App update(String name, Map<String, Object> compose, JobListener listener) {
        return job("app.update", name, listener, () -> {
            FakeApp a = existing(name);
            a.config = deepCopy(compose);
            if (a.state != AppState.STOPPED) {
                a.state = AppState.RUNNING; // down + up of every service
            }
            return toApp(name, a, false);
        });
    }

    @Override
    public void delete(String name, DeleteOptions options, JobListener listener) {
        job("app.delete", name, listener, () -> {
            existing(name);
            apps.remove(name);
            return null;
        });
    }

    @Override
    public void start(String name, JobListener listener) {
        job("app.start", name, listener, () -> {
            existing(name).state = AppState.RUNNING;
            return null;
        });
    }

    @Override
    public void stop(String name, JobListener listener) {
        job("app.stop", name, listener, () -> {
            existing(name).state = AppState.STOPPED;
            return null;
        });
    }

    @Override
    public App redeploy(String name, JobListener listener) {
        throw new UnsupportedOperationException("the engine never redeploys");
    }

    @Override
    public void pullImages(String name, boolean redeploy, JobListener listener) {
        throw new UnsupportedOperationException("the engine never pulls");
    }

    @Override
    public void pullImage(String image, JobListener listener) {
        // every image exists on the fake's registry; pull failures are tested against the emulator
        count("app.image.pull");
    }

    @Override
    public List<String> outdatedImages(String name) {
        // The fake's apps never report image_updates_available, so the engine has no reason to ask.
        throw new UnsupportedOperationException("the fake reports no image updates; test them against the emulator");
    }

    @Override
    public Map<String, App.Container> containerIds(String name, boolean aliveOnly) {
        throw new UnsupportedOperationException();
    }

    @Override
    public LogStream followLogs(String appName, String containerId, Integer tailLines, Consumer<io.truenasgitops.truenas.LogLine> onLine) {
        throw new UnsupportedOperationException();
    }

    /** A job somebody else started on the NAS, and what it does when it ends. */
    private record InFlight(Job job, String app, Runnable effect) {}

    private final List<InFlight> inFlight = new ArrayList<>();
    private final AtomicLong foreignJobIds = new AtomicLong(5000);

    /**
     * A job of {@code method} on {@code app} is running on the NAS, started by someone else (a killed earlier run
     * of the daemon): {@link #runningJob} reports it, and {@link #awaitJob} runs {@code effect} as its end.
     */
    synchronized FakeTrueNas jobInFlight(String method, String app, Runnable effect) {
        Job job = new Job(foreignJobIds.incrementAndGet(), method, "RUNNING", 40, "in progress", null, null, null,
                null);
        inFlight.add(new InFlight(job, app, effect));
        return this;
    }

    /** An app.create of {@code compose} started by someone else, still running. */
    FakeTrueNas createInFlight(String app, Map<String, Object> compose) {
        return jobInFlight("app.create", app, () -> {
            synchronized (this) {
                FakeApp a = new FakeApp();
                a.config = deepCopy(compose);
                a.state = AppState.RUNNING;
                apps.put(app, a);
            }
        });
    }

    @Override
    public Optional<Job> runningJob(String name, Set<String> methods) {
        count("core.get_jobs");
        reachable();
        synchronized (this) {
            return inFlight.stream().filter(f -> f.app().equals(name) && methods.contains(f.job().method()))
                    .map(InFlight::job).reduce((first, second) -> second);
        }
    }

    @Override
    public Job awaitJob(Job job, JobListener listener, java.time.Duration timeout) {
        count("core.get_jobs.await");
        InFlight found;
        synchronized (this) {
            found = inFlight.stream().filter(f -> f.job().id() == job.id()).findFirst().orElseThrow();
            inFlight.remove(found);
        }
        found.effect().run();
        return new Job(job.id(), job.method(), "SUCCESS", 100, "done", null, null, null, null);
    }

    @Override
    public DockerStatus dockerStatus() {
        count("docker.status");
        reachable();
        if (dockerStatusDenied) {
            throw new io.truenasgitops.truenas.NotAuthorizedException("failed to read the Docker status: Not authorized");
        }
        return docker;
    }

    // ---- internals -------------------------------------------------------------------------------------------

    private interface Body<T> {
        T run();
    }

    private <T> T job(String method, String app, JobListener listener, Body<T> body) {
        count(method);
        reachable();
        int inApp = inFlightPerApp.computeIfAbsent(app, k -> new AtomicInteger()).incrementAndGet();
        maxConcurrentPerApp.accumulateAndGet(inApp, Math::max);
        try {
            long id = jobIds.incrementAndGet();
            synchronized (this) {
                writeLog.add(method + " " + app);
            }
            listener.onUpdate(new Job(id, method, "RUNNING", 25, "Initial validation completed", null, null, null, null));
            TrueNasException scripted = failNext.remove(method + "/" + app);
            if (scripted != null) {
                throw scripted;
            }
            T result;
            synchronized (this) {
                try {
                    result = body.run();
                } catch (io.truenasgitops.truenas.AppsServiceDownException e) {
                    throw new io.truenasgitops.truenas.AppsServiceDownException(e.getMessage(), e.errno(), e.errname(),
                            e.fieldErrors(), id, null);
                } catch (TrueNasException e) {
                    throw new TrueNasException(e.getMessage(), e.errno(), e.errname(), e.fieldErrors(), id, null);
                }
            }
            if (dropNext.remove(method + "/" + app) != null) {
                throw new ConnectionLostException("connection to 127.0.0.1 lost while waiting for job " + id, null);
            }
            listener.onUpdate(new Job(id, method, "SUCCESS", 100, "done", null, null, null, null));
            return result;
        } finally {
            inFlightPerApp.get(app).decrementAndGet();
        }
    }

    private FakeApp existing(String name) {
        FakeApp a = docker.isRunning() ? apps.get(name) : null;
        if (a == null) {
            throw jobError("App " + name + " does not exist", 2, "ENOENT");
        }
        return a;
    }

    private static TrueNasException jobError(String msg, int errno, String errname) {
        return new TrueNasException(msg, errno, errname, List.of(), null, null);
    }

    static TrueNasException validationError(String attribute, String message) {
        return new TrueNasException("validation failed", 22, "EINVAL",
                List.of(new FieldError(attribute, message, 22)), 99L, null);
    }

    static TrueNasException jobFailed(String message) {
        return new TrueNasException(message, 14, "EFAULT", List.of(), 98L, null);
    }

    /** A job failed because Docker refused an image reference, as the client's ErrorMapper types it. */
    static TrueNasException imageRejected(String message) {
        return new io.truenasgitops.truenas.ImageRejectedException(message, 14, "EFAULT", List.of(), 98L, null);
    }

    static TrueNasException transientError(String message) {
        return new io.truenasgitops.truenas.TooManyCallsException(message);
    }

    private void reachable() {
        if (unreachable) {
            throw new ConnectionLostException("failed to connect to wss://127.0.0.1:1/api/current: connection refused",
                    null);
        }
    }

    private void count(String method) {
        calls.computeIfAbsent(method, k -> new AtomicInteger()).incrementAndGet();
    }

    private static App toApp(String name, FakeApp a, boolean withConfig) {
        return new App(name, a.state, a.custom, "1.0.0", List.of(), List.of(),
                withConfig ? deepCopy(a.config) : null, JsonNodeFactory.instance.objectNode());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> deepCopy(Map<String, Object> m) {
        if (m == null) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, copy(v)));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Object copy(Object v) {
        if (v instanceof Map<?, ?> mm) {
            return deepCopy((Map<String, Object>) mm);
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(x -> out.add(copy(x)));
            return out;
        }
        return v;
    }
}
