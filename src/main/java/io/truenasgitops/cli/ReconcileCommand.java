package io.truenasgitops.cli;

import io.truenasgitops.api.V1;
import io.truenasgitops.git.GitSettings;
import io.truenasgitops.git.GitSource;
import io.truenasgitops.git.GitSources;
import io.truenasgitops.git.Snapshot;
import io.truenasgitops.reconcile.ActionType;
import io.truenasgitops.reconcile.DriftKind;
import io.truenasgitops.reconcile.JsonFileStatusStore;
import io.truenasgitops.reconcile.ReconcileConfig;
import io.truenasgitops.reconcile.Reconciler;
import io.truenasgitops.reconcile.StatusStore;
import io.truenasgitops.stacks.StackRepository;
import io.truenasgitops.stacks.StacksOptions;
import io.truenasgitops.truenas.TrueNasClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Base of {@code plan} and {@code sync}: they run the reconcile engine in-process against one NAS, with the
 * desired state from {@code --repo}. Same planner as the daemon; state is kept in a temporary directory unless
 * {@code --state-dir} is given.
 */
abstract class ReconcileCommand extends NasCommand {

    @Option(names = "--repo", paramLabel = "URL|PATH", description = {
        "The repository of stacks: an https://, ssh:// or file:// URL, the path of a local Git repository"
                + " (its committed state at --ref), or a plain folder (read as it is, for development)."})
    String repo;

    @Option(names = "--ref", paramLabel = "REF", description = "Branch, tag or commit (default: the remote's default branch).")
    String ref;

    @Option(names = "--path", paramLabel = "DIR", description = "Sub-directory of the repository that holds the stacks folder.")
    String path;

    @Option(names = "--token-file", paramLabel = "FILE", description = "File holding an HTTPS access token for --repo.")
    Path tokenFile;

    @Option(names = "--target", paramLabel = "NAME", defaultValue = "default",
            description = "The target name of the NAS given by --url; stacks naming another target are blocked (default: ${DEFAULT-VALUE}).")
    String target;

    @Option(names = "--state-dir", paramLabel = "DIR", description = {
        "Keep Git checkouts and the engine's state (inventory, statuses) here between runs; without it a temporary"
                + " directory is used. Never point it at a running daemon's state directory."})
    Path stateDir;

    @Option(names = "--settle-time", paramLabel = "SECONDS", defaultValue = "10",
            description = "How long a changed app must stay RUNNING to count as healthy (default: ${DEFAULT-VALUE}).")
    int settleSeconds;

    @Option(names = "--self-app", paramLabel = "NAME", defaultValue = "${env:TRUENAS_GITOPS_RECONCILE_SELF_APP_NAME}",
            description = {"The app the daemon runs as on the NAS: a stack naming it is blocked (SelfApp), never applied"
                    + " (default: $TRUENAS_GITOPS_RECONCILE_SELF_APP_NAME, as the daemon reads it)."})
    String selfApp;

    @Mixin
    StackOptionsMixin stackOptions;

    /** {@code --repo} is required for a pass run here (sync --server asks a daemon instead, which has its own). */
    @Override
    void prepare() {
        if (repo == null || repo.isBlank()) {
            throw new UsageException("missing --repo URL|PATH: the repository of stacks to plan or sync"
                    + (this instanceof SyncCommand ? " (or --server URL to ask a running daemon for a pass)" : ""));
        }
    }

    /** Builds the engine on a connected client, runs {@code work}, and cleans up. */
    int withEngine(TrueNasClient client, boolean prune, EngineWork work) throws Exception {
        StacksOptions options = stackOptions.toOptions();
        Path dir = stateDir != null ? stateDir : Files.createTempDirectory("truenas-gitops-");
        try {
            // a one-shot run: the engine's defaults, with what the command line says
            ReconcileConfig config = ReconcileConfig.defaults(dir.resolve("reconcile")).withJitter(0).withPrune(prune)
                    .withSettleTime(Duration.ofSeconds(Math.max(0, settleSeconds)));
            if (selfApp != null && !selfApp.isBlank()) {
                config = config.withSelfApp(selfApp.strip());
            }
            StatusStore store = stateDir != null ? new JsonFileStatusStore(config.stateDir()) : StatusStore.inMemory();
            try (WatchedSource source = new WatchedSource(openSource(dir.resolve("git")));
                    Reconciler engine = Reconciler.builder().config(config).source(source)
                            .scanner(root -> StackRepository.scan(root, options)).target(target, client.apps())
                            .storage(target, storage(client)).store(store).build()) {
                watched = source;
                return work.run(engine, source.describe(), client.endpoint());
            }
        } finally {
            if (stateDir == null) {
                deleteTree(dir);
            }
        }
    }

    private static io.truenasgitops.reconcile.TargetStorage storage(TrueNasClient client) {
        io.truenasgitops.truenas.StorageApiClient api = new io.truenasgitops.truenas.StorageApiClient(() -> client);
        return new io.truenasgitops.reconcile.TargetStorage(api, api, api);
    }

    /**
     * When the pass had no usable snapshot of {@code --repo} (the fetch failed: unreachable URL, unknown ref, no
     * such repository; or the snapshot has no stacks folder, as when --repo names the stacks folder itself), says
     * why on stderr and returns true: the command then exits with {@link ExitCodes#USAGE}, never "in sync".
     */
    boolean reportSourceUnusable() {
        RuntimeException failure = watched.lastFailure;
        if (failure != null) {
            err().println("error: " + CliErrorHandler.messageOf(failure) + " (nothing was planned or applied)");
            err().flush();
            return true;
        }
        Snapshot snapshot = watched.lastFetched;
        if (snapshot != null && !Files.isDirectory(snapshot.root().resolve(stackOptions.stacksDir))) {
            err().println("error: --repo " + repo + " has no '" + stackOptions.stacksDir + "' folder at revision "
                    + snapshot.shortRevision() + ": give the repository root (the folder that holds '"
                    + stackOptions.stacksDir + "'), or set --path or --stacks-dir (nothing was planned or applied)");
            err().flush();
            return true;
        }
        return false;
    }

    /** The source of the running command, which remembers why its last fetch failed. */
    private WatchedSource watched;

    /** A source that remembers its last fetch: the engine's read-only plan keeps no record of a failed one. */
    static final class WatchedSource implements GitSource {
        private final GitSource delegate;
        volatile RuntimeException lastFailure;
        volatile Snapshot lastFetched;

        WatchedSource(GitSource delegate) {
            this.delegate = delegate;
        }

        @Override
        public Snapshot fetch() {
            try {
                Snapshot snapshot = delegate.fetch();
                lastFailure = null;
                lastFetched = snapshot;
                return snapshot;
            } catch (RuntimeException e) {
                lastFailure = e;
                throw e;
            }
        }

        @Override
        public Snapshot checkout(String revision) {
            return delegate.checkout(revision);
        }

        @Override
        public Optional<Snapshot> lastGood() {
            return delegate.lastGood();
        }

        @Override
        public String describe() {
            return delegate.describe();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    /**
     * A revision of a local repository to plan instead of fetching {@code --repo} ({@code plan --against});
     * null: fetch.
     *
     * @param ref the branch, tag or commit
     * @param sourceUrl the URL the daemon fetches (the apps' stamps), or null for the repository's origin
     */
    record LocalRevision(String ref, String sourceUrl) {}

    /** The local revision to plan, or null (the default) to fetch {@code --repo}. */
    LocalRevision localRevision() {
        return null;
    }

    /** What a command does with the engine. */
    interface EngineWork {
        int run(Reconciler engine, String sourceDescription, String endpoint) throws Exception;
    }

    /**
     * A URL or a local Git repository is fetched with JGit (its committed state); a plain folder is read as it
     * is (development: its revision is a content hash).
     */
    private GitSource openSource(Path gitState) {
        LocalRevision local = localRevision();
        if (local != null) {
            return GitSources.localRevision(Path.of(repo), local.ref(), path, local.sourceUrl(), gitState);
        }
        String url;
        if (isUrl(repo)) {
            url = repo;
        } else {
            Path p = Path.of(repo).toAbsolutePath().normalize();
            if (!Files.isDirectory(p)) {
                throw new UsageException("--repo " + repo + " is neither a URL nor an existing directory");
            }
            if (!Files.exists(p.resolve(".git")) && !Files.exists(p.resolve("HEAD"))) {
                return GitSources.localDirectory(path == null || path.isBlank() ? p : p.resolve(path));
            }
            url = p.toUri().toString();
        }
        GitSettings settings = GitSettings.of(url, ref, path, gitState);
        return GitSources.git(tokenFile != null ? settings.withToken(tokenFile, "git") : settings);
    }

    /** Whether {@code repo} is a URL (scheme or scp-like {@code git@host:path}) rather than a path. */
    static boolean isUrl(String repo) {
        return repo.contains("://") || repo.matches("^[\\w.-]+@[\\w.-]+:.*");
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temp dir is harmless
        }
    }

    // ---- rendering shared by plan and sync ----------------------------------------------------------------

    static String symbol(ActionType t) {
        return symbol(t.name().toLowerCase(Locale.ROOT));
    }

    /** The mark of an action ({@code create}, as the REST documents name it) in a plan's listing. */
    static String symbol(String action) {
        return switch (action) {
            case "create" -> "+";
            case "update" -> "~";
            case "delete" -> "-";
            case "start" -> ">";
            case "stop" -> "<";
            case "unchanged" -> "=";
            default -> "!";
        };
    }

    /**
     * Prints a plan document the way {@code terraform plan} does: one block per action, the masked diff indented.
     * The same for a plan made here and one a daemon made ({@code --server}).
     */
    static void printPlan(PrintWriter out, V1.Plan plan, String source, String endpoint, boolean showUnchanged) {
        Style style = Style.current();
        out.println("Source: " + source + " at " + (plan.revision() == null ? "(none)" : Snapshot.shorten(plan.revision())));
        out.println("Target: " + endpoint);
        plan.warnings().forEach(w -> out.println(style.yellow("warning:") + " " + w));
        out.println();
        for (V1.PlannedAction a : plan.actions()) {
            String type = a.action();
            boolean unchanged = "unchanged".equals(type);
            if (unchanged && a.drift().isEmpty() && a.warnings().isEmpty() && !showUnchanged) {
                continue;
            }
            out.printf("  %s %s%s %s%s%n", style.statusAs(type, symbol(type)), style.status(type),
                    " ".repeat(Math.max(0, 9 - type.length())),
                    a.stack(), a.drift().isEmpty() ? "" : "  " + style.yellow("[drift: " + String.join(", ", a.drift()) + "]"));
            out.println("      " + a.reason().code() + ": " + a.reason().message());
            if (a.composeFiles() != null && a.composeFiles().size() > 1) {
                out.println("      compose merged from " + String.join(", ", a.composeFiles()));
            }
            a.warnings().forEach(w -> out.println("      " + style.yellow("warning:") + " " + w));
            a.creates().forEach(c -> out.println("      " + style.diffLine("+ " + c)));
            if (a.changes() > 0 && (!unchanged || a.drift().contains(DriftKind.CONFIG.label()))) {
                for (String line : a.diff().split("\n")) {
                    out.println("      " + style.diffLine(line));
                }
            }
            out.println();
        }
        Map<String, Long> counts = plan.actions().stream()
                .collect(Collectors.groupingBy(V1.PlannedAction::action, Collectors.counting()));
        long drifted = plan.actions().stream().filter(a -> !a.drift().isEmpty()).count();
        out.println("Plan: " + n(counts, "create") + " to create, " + n(counts, "update") + " to update, "
                + n(counts, "start") + " to start, " + n(counts, "stop") + " to stop, " + n(counts, "delete")
                + " to delete; " + n(counts, "unchanged") + " unchanged, " + n(counts, "blocked") + " blocked, "
                + drifted + " drifted.");
        out.flush();
    }

    private static long n(Map<String, Long> counts, String action) {
        return counts.getOrDefault(action, 0L);
    }

    /**
     * Prints the exit code's reason when the NAS held the plan back (its apps service not running, unreachable),
     * and returns the exit code {@link ExitCodes#of(V1.Plan)} decides.
     */
    static int exitCode(PrintWriter err, V1.Plan plan) {
        ExitCodes.nasNotReady(plan).ifPresent(r -> {
            err.println("error: " + r.message());
            err.flush();
        });
        return ExitCodes.of(plan);
    }
}
