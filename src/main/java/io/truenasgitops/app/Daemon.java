package io.truenasgitops.app;

import io.micrometer.core.instrument.MeterRegistry;
import io.truenasgitops.api.ApiConfig;
import io.truenasgitops.api.RunningEngine;
import io.truenasgitops.api.WebhookConfig;
import io.truenasgitops.secretfiles.Secrets;
import io.truenasgitops.git.GitConfig;
import io.truenasgitops.git.GitSettings;
import io.truenasgitops.git.GitSource;
import io.truenasgitops.git.JGitSource;
import io.truenasgitops.metrics.DaemonMetrics;
import io.truenasgitops.metrics.MeteredAppsApi;
import io.truenasgitops.metrics.MicrometerReconcileMetrics;
import io.truenasgitops.reconcile.ReconcileConfig;
import io.truenasgitops.reconcile.ReconcileLoop;
import io.truenasgitops.reconcile.Reconciler;
import io.truenasgitops.stackcache.StackCache;
import io.truenasgitops.stacks.StacksOptions;
import io.truenasgitops.truenas.ConnectionSettings;
import io.truenasgitops.truenas.InvalidSettingsException;
import io.truenasgitops.truenas.TrueNasClient;
import io.vertx.core.Vertx;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * The daemon's parts, built from configuration on first use: the Git source, one lazily connecting
 * {@link LazyTarget} per NAS, the {@link Reconciler} with the Micrometer metrics, and the {@link ReconcileLoop}.
 *
 * <p>Building is lazy so that short CLI commands, which boot Quarkus too, never connect anywhere or start a
 * loop; only {@link #start()} (called by {@code serve} and {@code demo}) starts the loop. The REST API and
 * the health checks use the same instance.
 */
@ApplicationScoped
public class Daemon implements RunningEngine {

    private static final Logger LOG = Logger.getLogger(Daemon.class);

    @Inject
    TargetsConfig targetsConfig;

    @Inject
    GitConfig gitConfig;

    @Inject
    StacksConfig stacksConfig;

    @Inject
    ReconcileConfigMapping reconcileMapping;

    @Inject
    MeterRegistry registry;

    @Inject
    WebhookConfig webhookConfig;

    @Inject
    ApiConfig apiConfig;

    /** Notifications of state changes; observes every pass of the engine. */
    @Inject
    Notifications notifications;

    /** The image update automation's settings (off unless an interval is set). */
    @Inject
    ImagesConfig imagesConfig;

    /** Commit statuses on the Git host; observes every pass of the engine. */
    @Inject
    CommitStatusReporting commitStatuses;

    /**
     * Quarkus' managed Vert.x: every target's client runs on it instead of starting a Vert.x (event loops,
     * blocked-thread checker) of its own per NAS. Quarkus owns and closes it; the clients leave it open.
     */
    @Inject
    Vertx vertx;

    private DaemonOverrides overrides = DaemonOverrides.none();
    private DaemonMetrics metrics;
    private Map<String, LazyTarget> targets;
    private GitSource source;
    private GitSettings gitSettings;
    private Reconciler reconciler;
    private ReconcileLoop loop;
    private volatile Instant startedAt;
    private java.util.concurrent.ScheduledExecutorService imageRounds;

    /**
     * Replaces parts of the configuration with settings made in code (see {@link DaemonOverrides}).
     *
     * @throws IllegalStateException when the daemon was already built
     */
    public synchronized void override(DaemonOverrides overrides) {
        if (reconciler != null || targets != null || source != null) {
            throw new IllegalStateException("the daemon is already built: call override() before anything uses it");
        }
        this.overrides = overrides;
    }

    /** The daemon's metrics (created on first use). */
    public synchronized DaemonMetrics metrics() {
        if (metrics == null) {
            metrics = new DaemonMetrics(registry);
        }
        return metrics;
    }

    /** The configured targets by name, each connecting on first use. */
    public synchronized Map<String, LazyTarget> targets() {
        if (targets == null) {
            Map<String, ConnectionSettings> settings = overrides.targets().isEmpty()
                    ? settingsFromConfig(targetsConfig) : overrides.targets();
            if (settings.isEmpty()) {
                throw new InvalidSettingsException("no TrueNAS target configured: set TRUENAS_URL and"
                        + " TRUENAS_API_KEY_FILE (or truenas-gitops.targets.<name>.url and .api-key-file)");
            }
            Map<String, LazyTarget> built = new TreeMap<>();
            settings.forEach((name, s) -> built.put(name, new LazyTarget(name, s, metrics(),
                    c -> TrueNasClient.connect(c, vertx))));
            targets = built;
        }
        return targets;
    }

    /** The Git settings in use. */
    public synchronized GitSettings gitSettings() {
        if (gitSettings == null) {
            gitSettings = overrides.git().orElseGet(() -> GitSettings.from(gitConfig));
        }
        return gitSettings;
    }

    /** The Git source. */
    public synchronized GitSource source() {
        if (source == null) {
            source = new JGitSource(gitSettings());
        }
        return source;
    }

    /** The engine's settings, mapped from {@code truenas-gitops.reconcile.*}. */
    private ReconcileConfig reconcileConfig() {
        return ReconcileConfigMapping.toConfig(reconcileMapping);
    }

    /** The reconcile engine. */
    public synchronized Reconciler reconciler() {
        if (reconciler == null) {
            StacksOptions stacks = overrides.stacks().orElseGet(() -> stacksOptions(stacksConfig, targetsConfig));
            MicrometerReconcileMetrics port = new MicrometerReconcileMetrics(metrics());
            Map<String, io.truenasgitops.truenas.AppsApi> apis = new LinkedHashMap<>();
            targets().forEach((name, target) -> apis.put(name, new MeteredAppsApi(target, metrics())));
            Reconciler.Builder builder = Reconciler.builder();
            targets().forEach((name, target) -> builder.storage(name, target.storage()));
            reconciler = builder
                    .config(reconcileConfig())
                    .mode(ReconcileConfigMapping.toMode(reconcileMapping))
                    .source(source())
                    // a pass re-renders only the stacks whose files, secrets or options changed
                    .scanner(new StackCache(stacks)::scan)
                    .targets(apis)
                    .metrics(port)
                    .passListener(io.truenasgitops.reconcile.SyncListener.both(notifications.observer(),
                            commitStatuses.observer(gitSettings().url())))
                    .build();
            Reconciler built = reconciler;
            notifications.bind(built);
            port.bindStatuses(built::statuses);
            port.refreshStacks();
        }
        return reconciler;
    }

    /** The loop that runs passes (not started until {@link #start()}). */
    public synchronized ReconcileLoop loop() {
        if (loop == null) {
            loop = new ReconcileLoop(reconciler(), reconcileConfig());
        }
        return loop;
    }

    /**
     * What keeps the daemon from working as configured, checked before it starts: every secret, key and
     * certificate file the configuration names must exist, be readable and (secrets) not be empty. One line
     * per problem; empty when all is well.
     */
    public List<String> configurationProblems() {
        List<String> problems = new java.util.ArrayList<>(StartupCheck.problems(webhookConfig, apiConfig, gitConfig,
                targetsConfig, overrides.git().isEmpty(), overrides.targets().isEmpty()));
        problems.addAll(notifications.problems());
        problems.addAll(commitStatuses.problems(() -> gitSettings().url()));
        if (imagesConfig != null && imagesConfig.updateInterval().isPresent()) {
            imagesConfig.registryAuthFile().filter(f -> !java.nio.file.Files.isReadable(f)).ifPresent(f -> problems.add(
                    "truenas-gitops.images.registry-auth-file " + f + " does not exist or cannot be read: give Docker's"
                    + " config.json form, or unset it for public images"));
            if (imagesConfig.updateInterval().get().toSeconds() < 60) {
                problems.add("truenas-gitops.images.update-interval must be at least 1m (registries limit tag lists),"
                        + " not " + io.truenasgitops.reconcile.Durations.human(imagesConfig.updateInterval().get()));
            }
        }
        return problems;
    }

    /** Starts the reconcile loop (its first pass runs right away). Idempotent. */
    public synchronized void start() {
        if (startedAt != null) {
            return;
        }
        ReconcileLoop l = loop();
        LOG.infof("starting the reconcile loop: source %s, targets %s, every %s", source().describe(),
                targets().keySet(), io.truenasgitops.reconcile.Durations.human(reconcileConfig().interval()));
        startedAt = Instant.now();
        l.start();
        startImageAutomation();
    }

    /**
     * With {@code truenas-gitops.images.update-interval} set, a round of {@link ImageAutomation} every interval (the
     * first one interval after the start) on a thread of its own; a commit it pushes asks the loop for a pass.
     */
    private void startImageAutomation() {
        if (imagesConfig == null || imagesConfig.updateInterval().isEmpty()) {
            return;
        }
        java.time.Duration every = imagesConfig.updateInterval().get();
        io.truenasgitops.images.RegistryCredentials credentials;
        try {
            credentials = imagesConfig.registryAuthFile().isPresent()
                    ? io.truenasgitops.images.RegistryCredentials.read(imagesConfig.registryAuthFile().get())
                    : io.truenasgitops.images.RegistryCredentials.none();
        } catch (java.io.IOException e) {
            LOG.errorf("image updates are off: %s (truenas-gitops.images.registry-auth-file)", e.getMessage());
            return;
        }
        ImageAutomation automation = new ImageAutomation(new ImageAutomation.Settings(stacksConfig.dir(),
                new io.truenasgitops.git.WorkingTreeCommit.Identity(imagesConfig.authorName(), imagesConfig.authorEmail())),
                source(), new io.truenasgitops.images.RegistryClient(credentials, imagesConfig.registryTimeout()),
                () -> loop().trigger(io.truenasgitops.reconcile.TriggerReason.IMAGE_UPDATE, Optional.empty()),
                new ImageAutomationEvents(reconciler(), metrics()));
        imageRounds = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "image-updates");
            t.setDaemon(true);
            return t;
        });
        long seconds = Math.max(60, every.toSeconds());
        imageRounds.scheduleWithFixedDelay(() -> metrics().imageUpdateRound(ImageAutomationEvents.result(
                automation.runOnce())), seconds, seconds, java.util.concurrent.TimeUnit.SECONDS);
        LOG.infof("image updates: looking for newer tags the stacks' imagePolicy allows every %s, committing them to %s"
                + " as %s <%s>", io.truenasgitops.reconcile.Durations.human(java.time.Duration.ofSeconds(seconds)),
                source().describe(), imagesConfig.authorName(), imagesConfig.authorEmail());
    }

    /** When {@link #start()} ran, or empty when the loop was never started (short CLI commands, tests). */
    public Optional<Instant> startedAt() {
        return Optional.ofNullable(startedAt);
    }

    @Override
    public Map<String, String> targetUrls() {
        Map<String, String> urls = new java.util.LinkedHashMap<>();
        targets().forEach((name, target) -> urls.put(name, target.url()));
        return urls;
    }

    /** The loop's reconcile interval. */
    public java.time.Duration interval() {
        return reconcileConfig().interval();
    }

    /** Stops the loop (waiting for the pass in flight), then closes the connections and the Git source. */
    @PreDestroy
    public synchronized void stop() {
        if (imageRounds != null) {
            imageRounds.shutdownNow();
            imageRounds = null;
        }
        if (loop != null) {
            loop.stop();
            loop = null;
        }
        if (reconciler != null) {
            reconciler.close();
            reconciler = null;
        }
        if (targets != null) {
            targets.values().forEach(LazyTarget::close);
            targets = null;
        }
        if (source != null) {
            source.close();
            source = null;
        }
        startedAt = null;
    }

    private static io.truenasgitops.truenas.ApiKeyMechanism mechanism(String value, String key) {
        try {
            return io.truenasgitops.truenas.ApiKeyMechanism.parse(value);
        } catch (io.truenasgitops.truenas.InvalidSettingsException e) {
            throw new io.truenasgitops.truenas.InvalidSettingsException(key + ": " + e.getMessage());
        }
    }

    /**
     * The stacks options from {@code truenas-gitops.stacks.*} with each target's own host base path
     * ({@code truenas-gitops.targets.<name>.host-base-path}); a relative one is refused.
     */
    static StacksOptions stacksOptions(StacksConfig stacks, TargetsConfig targets) {
        StacksOptions options = stacks.toOptions();
        StacksOptions.hostBasePathProblem("truenas-gitops.stacks.host-base-path", options.hostBasePath())
                .ifPresent(m -> {
                    throw new io.truenasgitops.truenas.InvalidSettingsException(m);
                });
        Map<String, java.nio.file.Path> own = new TreeMap<>();
        targets.all().forEach((name, t) -> t.hostBasePath().ifPresent(p -> {
            StacksOptions.hostBasePathProblem("truenas-gitops.targets." + name + ".host-base-path", p)
                    .ifPresent(m -> {
                        throw new io.truenasgitops.truenas.InvalidSettingsException(m);
                    });
            own.put(name, p);
        }));
        return options.withTargetHostBasePaths(own);
    }

    /** Turns the configured targets into connection settings, reading key and password files. */
    static Map<String, ConnectionSettings> settingsFromConfig(TargetsConfig config) {
        Map<String, ConnectionSettings> out = new TreeMap<>();
        config.all().forEach((name, t) -> {
            if (t.url().filter(u -> !u.isBlank()).isEmpty()) {
                return;
            }
            String prefix = "truenas-gitops.targets." + name + ".";
            String apiKey = t.apiKeyFile()
                    .map(f -> new String(Secrets.readFile(f, prefix + "api-key-file"), StandardCharsets.UTF_8))
                    .orElse(t.apiKey().orElse(null));
            String password = t.passwordFile()
                    .map(f -> new String(Secrets.readFile(f, prefix + "password-file"), StandardCharsets.UTF_8))
                    .orElse(null);
            String sessionToken = t.sessionTokenFile()
                    .map(f -> new String(Secrets.readFile(f, prefix + "session-token-file"), StandardCharsets.UTF_8))
                    .orElse(null);
            out.put(name, ConnectionSettings.builder(t.url().get())
                    .apiKey(apiKey)
                    .sessionToken(sessionToken)
                    .username(t.username().orElse(null))
                    .password(password)
                    .tlsFingerprint(t.tlsFingerprint().orElse(null))
                    .caFile(t.caFile().orElse(null))
                    .insecure(t.insecure())
                    .apiKeyMechanism(mechanism(t.apiKeyMechanism(), prefix + "api-key-mechanism"))
                    .build());
        });
        return out;
    }
}
