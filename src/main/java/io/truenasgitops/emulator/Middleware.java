package io.truenasgitops.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The emulated middlewared as the sessions see it: a facade over parts that share one {@link NasState} (and its
 * lock). {@link MethodRegistry} resolves and authorises calls; each {@link MethodArea} registers its methods:
 * {@link Logins}, {@link SystemMethods}, {@link Events} (with the log followers), {@link JobQueue},
 * {@link AppReads}, {@link AppJobs} and {@link AppImages} (arguments checked by {@link AppArguments});
 * {@link ControlApi} changes apps
 * behind the middleware's back for the emulator's control API. Protocol framing lives in the sessions.
 */
final class Middleware {
    private final NasState nas;
    private final MethodRegistry registry;
    private final Logins logins;
    private final Events events;
    private final JobQueue jobQueue;
    private final ControlApi control;
    /** Every method area, in registration order; a new area goes here. */
    private final List<MethodArea> areas;

    Middleware(EmulatorOptions options) {
        this.nas = new NasState(options);
        nas.storage = new EmulatedStorage(this::hostPathsInUse);
        nas.filesystem = new EmulatedFilesystem(nas.storage);
        this.registry = new MethodRegistry(nas);
        this.logins = new Logins(nas);
        this.events = new Events(nas);
        this.jobQueue = new JobQueue(nas, events);
        AppReads reads = new AppReads(nas);
        this.control = new ControlApi(nas, events);
        this.areas = List.of(logins, new SystemMethods(nas), events, jobQueue, reads,
                new AppJobs(nas, events, jobQueue, reads), new AppImages(nas, jobQueue, reads),
                // after AppReads: it wraps app.query and app.get_instance to add the image-update flags
                methods -> nas.imageUpdates.register(methods::def, methods::handler, this::runningImages),
                methods -> StorageMethods.register(methods.release(), nas.storage, methods::def),
                new FilesystemMethods(nas, jobQueue));
        try {
            nas.containers = options.docker() == null ? new InMemoryContainers(nas, events)
                    : new DockerContainers(this, options.docker());
        } catch (RuntimeException e) {
            nas.shutdownThreads();
            throw e;
        }
        nas.timers.scheduleAtFixedRate(this::dropIdleConnections, 100, 100, TimeUnit.MILLISECONDS);
        registry.install(areas);
    }

    // ---------------------------------------------------------------- plumbing

    ExecutorService workers() {
        return nas.workers;
    }

    CallLog callLog() {
        return nas.callLog;
    }

    Faults faults() {
        return nas.faults;
    }

    EmulatedFilesystem filesystem() {
        return nas.filesystem;
    }

    EmulatedStorage storage() {
        return nas.storage;
    }

    /** The host paths that alive containers bind-mount. */
    private Set<String> hostPathsInUse() {
        synchronized (nas.lock) {
            Set<String> out = new HashSet<>();
            nas.apps.values().forEach(a -> a.containers.stream().filter(AppRecord.ContainerRecord::alive)
                    .forEach(c -> c.mounts.stream().filter(m -> "bind".equals(m.path("type").asText()))
                            .forEach(m -> out.add(m.path("source").asText()))));
            return out;
        }
    }

    RegistryImages registryImages() {
        return nas.registryImages;
    }

    ImageUpdates imageUpdates() {
        return nas.imageUpdates;
    }

    /** The images of an app's containers now, or null when there is no such app. */
    private List<String> runningImages(String name) {
        synchronized (nas.lock) {
            AppRecord app = nas.apps.get(name);
            return app == null ? null : app.containers.stream().map(c -> c.image).distinct().toList();
        }
    }

    Release release() {
        return nas.release();
    }

    /**
     * An upgrade of TrueNAS: the middleware comes back as {@code next} (its methods, endpoints and quirks) after
     * a restart that drops every connection and forgets every job; apps, containers and the API key stay.
     */
    void upgrade(Release next) {
        nas.release = next;
        registry.install(areas);
        restart();
    }

    int generation() {
        return nas.generation;
    }

    String apiKey() {
        return nas.apiKey;
    }

    boolean hasMethod(String name) {
        return registry.hasMethod(name);
    }

    void register(Session session) {
        nas.sessions.add(session);
    }

    void unregister(Session session) {
        nas.unregister(session);
    }

    void shutdown() {
        try {
            nas.containers.close();
        } finally {
            nas.shutdownThreads();
        }
    }

    /** Middleware restart: every connection dropped, jobs and tokens forgotten, job ids from 1 again. */
    void restart() {
        synchronized (nas.lock) {
            nas.generation++;
            nas.jobs.clear();
            nas.waitingByLock.clear();
            nas.runningLocks.clear();
            nas.nextJobId = 1;
            nas.tokens.clear();
            nas.rateLimit.clear();
        }
        for (Session s : List.copyOf(nas.sessions)) {
            unregister(s);
            s.drop();
        }
    }

    void revokeReset() {
        nas.apiKeyRevoked = false;
    }

    boolean apiKeyRevoked() {
        return nas.apiKeyRevoked;
    }

    private void dropIdleConnections() {
        Duration timeout = nas.faults.idleTimeout();
        if (timeout == null || timeout.isZero() || timeout.isNegative()) {
            return;
        }
        long now = nas.faults.idleClockNanos();
        for (Session s : List.copyOf(nas.sessions)) {
            // The idle timeout is nginx's; unix socket connections reach middlewared without nginx.
            if (s.peerUid == null && now - s.lastServerSendNanos > timeout.toNanos()) {
                unregister(s);
                s.drop();
            }
        }
    }

    // ---------------------------------------------------------------- calls and authorization

    /** get_method + authorize_method_call + latency + the call itself (on a worker thread). */
    JsonNode invoke(Session session, String method, ArrayNode params) {
        return registry.invoke(session, method, params);
    }

    MethodRegistry.MethodDef authorizeOnly(Session session, String method) {
        return registry.authorizeOnly(session, method);
    }

    /** The peer uids of the open unix socket connections. */
    List<Integer> unixPeerUids() {
        return nas.sessions.stream().map(x -> x.peerUid).filter(java.util.Objects::nonNull).toList();
    }

    void onUnixConnect(Session session, int uid) {
        logins.onUnixConnect(session, uid);
    }

    boolean canSubscribe(Session session) {
        return logins.canSubscribe(session);
    }

    void onMessage(Session session) {
        logins.onMessage(session);
    }

    void ageTokens(Duration idle) {
        logins.ageTokens(idle);
    }

    int liveTokens() {
        return logins.liveTokens();
    }

    // ---------------------------------------------------------------- events

    void subscribe(Session s, String ident, String name) {
        events.subscribe(s, ident, name);
    }

    void unsubscribe(Session s, String ident) {
        events.unsubscribe(s, ident);
    }

    void startPendingFollowers(Session s) {
        events.startPendingFollowers(s);
    }

    /** One line of a real container's log, as the log-follow event source sends it. */
    void sendContainerLog(LogFollower f, String data, String timestamp) {
        events.sendContainerLog(f, data, timestamp);
    }

    /** The container's log stream ended (it stopped or was removed): the subscription ends without error. */
    void containerLogEnded(LogFollower f) {
        events.containerLogEnded(f);
    }

    long jobCount() {
        return jobQueue.jobCount();
    }

    // ---------------------------------------------------------------- control API

    List<AppRecord> appsSnapshot() {
        return control.appsSnapshot();
    }

    <T> T withLock(java.util.function.Supplier<T> action) {
        return control.withLock(action);
    }

    Optional<AppRecord> app(String name) {
        return control.app(name);
    }

    void uiEdit(String name, Map<String, Object> compose) {
        control.uiEdit(name, compose);
    }

    void putApp(String name, Map<String, Object> compose, String state) {
        control.putApp(name, compose, state);
    }

    void removeApp(String name) {
        control.removeApp(name);
    }

    void setState(String name, String state) {
        control.setState(name, state);
    }

    void breakMetadata(String name, String reason) {
        control.breakMetadata(name, reason);
    }

    void exitContainer(String name, String service, int exitCode) {
        control.exitContainer(name, service, exitCode);
    }

    void oomKill(String name, String service) {
        control.exitContainer(name, service, 137, true);
    }

    Map<String, String> dockerDescription() {
        return control.dockerDescription();
    }

    void mirrorContainers(AppRecord app, List<AppRecord.ContainerRecord> observed) {
        control.mirrorContainers(app, observed);
    }
}
