package io.truenasgitops.emulator;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The state of the emulated NAS that every part of the {@link Middleware} shares: apps, jobs, sessions, tokens,
 * the release, the worker threads and the container backend. Apps, jobs and the job-lock queues are guarded by
 * {@link #lock}; the other collections are concurrent. The parts ({@link Logins}, {@link Events},
 * {@link JobQueue}, {@link AppReads}, {@link AppJobs}, {@link ControlApi}, ...) hold no state of their own
 * beyond their constants.
 */
final class NasState {
    static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    final EmulatorOptions options;
    final Faults faults;
    final CallLog callLog = new CallLog();
    /** Which images the registry has newer versions of (app.query's image_updates_available). */
    final ImageUpdates imageUpdates = new ImageUpdates();
    /** Which images the registries have, for {@code app.image.pull} ({@link AppImages}). */
    final RegistryImages registryImages = new RegistryImages();
    /** Pools, datasets and snapshots ({@link StorageMethods}); set once by the middleware. */
    EmulatedStorage storage;
    /** The directories under /mnt and the roles the key lacks; made with {@link #storage}. */
    EmulatedFilesystem filesystem;
    final Object lock = new Object();
    final Map<String, AppRecord> apps = new TreeMap<>();
    final Map<Long, JobRecord> jobs = new LinkedHashMap<>();
    final Map<String, Deque<JobRecord>> waitingByLock = new HashMap<>();
    final Set<String> runningLocks = new HashSet<>();
    final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    final Map<String, Logins.Token> tokens = new ConcurrentHashMap<>();
    final Map<String, Deque<Long>> rateLimit = new ConcurrentHashMap<>();
    final ExecutorService workers;
    final ScheduledExecutorService timers;
    final String apiKey;
    final int apiKeyId;
    volatile Release release;
    volatile boolean apiKeyRevoked;
    volatile int generation = 1;
    /** Guarded by {@link #lock}. */
    long nextJobId = 1;
    /** The SCRAM credentials of the API key (26.0+), derived on first use: PBKDF2 with 500000 rounds is slow. */
    private ScramServer.StoredCredentials scram;
    private final byte[] scramSalt = ScramServer.newSalt();
    /** In memory, or real containers on a Docker Engine ({@code options.docker()}); set once by the middleware. */
    ContainerBackend containers;

    NasState(EmulatorOptions options) {
        this.options = options;
        this.release = options.release();
        this.faults = new Faults(options);
        this.apiKey = options.apiKey() == null ? "1-" + randomAlnum(64) : options.apiKey();
        int dash = apiKey.indexOf('-');
        int id = 1;
        try {
            id = dash > 0 ? Integer.parseInt(apiKey.substring(0, dash)) : 1;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("emulator: the API key must look like <id>-<key> with a numeric id");
        }
        this.apiKeyId = id;
        AtomicInteger n = new AtomicInteger();
        ThreadFactory daemon = r -> {
            Thread t = new Thread(r, "truenas-emulator-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.workers = Executors.newCachedThreadPool(daemon);
        this.timers = Executors.newScheduledThreadPool(2, daemon);
    }

    Release release() {
        return release;
    }

    /** The key material after {@code <id>-}, the part SCRAM derives its keys from. */
    String apiKeyMaterial() {
        return apiKey.substring(apiKey.indexOf('-') + 1);
    }

    /** What {@code api_key.create} stored for the key on 26.0 (the salt stays for the key's life). */
    synchronized ScramServer.StoredCredentials scramCredentials() {
        if (scram == null) {
            scram = ScramServer.derive(apiKeyMaterial(), scramSalt, ScramServer.ITERATIONS);
        }
        return scram;
    }

    /** A session goes: its token is destroyed, its subscriptions and log streams end. */
    void unregister(Session session) {
        logoutToken(session);
        session.closed = true;
        sessions.remove(session);
        session.subscriptions.clear();
        session.logFollowers.values().forEach(LogFollower::cancel);
        session.logFollowers.clear();
    }

    /** A token session's logout (or close) destroys the token it logged in with (TokenSessionManagerCredentials.logout). */
    void logoutToken(Session session) {
        Session.Credentials c = session.credentials;
        if (c != null && c.token() != null) {
            tokens.remove(c.token().value());
        }
    }

    void shutdownThreads() {
        timers.shutdownNow();
        workers.shutdownNow();
    }

    static void sleep(Duration d) {
        if (d == null || d.isZero() || d.isNegative()) {
            return;
        }
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String randomAlnum(int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(ALNUM.charAt(RANDOM.nextInt(ALNUM.length())));
        }
        return sb.toString();
    }
}
