package io.truenasgitops.reconcile;

import io.truenasgitops.compose.Problem;
import io.truenasgitops.git.GitSource;
import io.truenasgitops.git.Snapshot;
import io.truenasgitops.stacks.RepoScan;
import io.truenasgitops.truenas.App;
import io.truenasgitops.truenas.AppState;
import io.truenasgitops.truenas.AppsApi;
import io.truenasgitops.truenas.DockerStatus;
import io.truenasgitops.truenas.NotAuthorizedException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiPredicate;
import org.jboss.logging.Logger;

/**
 * The I/O half of planning: fetches the Git snapshot, scans its stacks and lists the apps of every target (with
 * {@code docker.status} where an app list may hide a stopped apps service). Records metrics; decides nothing.
 */
final class Observer {
    private static final Logger LOG = Logger.getLogger(Reconciler.class);

    private final GitSource source;
    private final StackScanner scanner;
    private final Map<String, AppsApi> targets;
    private final ReconcileMetrics metrics;
    /** Whether the inventory holds an app on a target that the given app names lack. */
    private final BiPredicate<String, Set<String>> inventoryMissesApps;
    private final Set<String> dockerStatusDenied = ConcurrentHashMap.newKeySet();
    private final Set<String> datasetsDenied = ConcurrentHashMap.newKeySet();
    /** The container this process runs in, when it can tell ({@link SelfApp#ownContainerId}); read once. */
    private final Optional<String> ownContainerId = SelfApp.ownContainerId();

    Observer(GitSource source, StackScanner scanner, Map<String, AppsApi> targets, ReconcileMetrics metrics,
            BiPredicate<String, Set<String>> inventoryMissesApps) {
        this.source = source;
        this.scanner = scanner;
        this.targets = targets;
        this.metrics = metrics;
        this.inventoryMissesApps = inventoryMissesApps;
    }

    /** One observation; {@code previousSourceUrl} stands in when there is no snapshot at all. */
    Observation observe(String previousSourceUrl) {
        List<String> warnings = new ArrayList<>();
        Snapshot snap;
        boolean fresh;
        String fetchError = null;
        try {
            snap = source.fetch();
            fresh = true;
            metrics.sourceFetch("success");
        } catch (RuntimeException e) {
            metrics.sourceFetch("failure");
            fresh = false;
            // The Git source's own messages already say "failed to fetch <source>: ..."; others get that context.
            String message = String.valueOf(e.getMessage());
            fetchError = message.startsWith("failed to fetch ") ? message
                    : "failed to fetch " + source.describe() + ": " + message;
            snap = source.lastGood().orElse(null);
        }
        List<DesiredStack> stacks = List.of();
        if (snap != null) {
            try {
                RepoScan scan = scanner.scan(snap.root());
                stacks = scan.stacks().stream().map(DesiredStack::from).toList();
                scan.problems().stream().map(Problem::format).forEach(warnings::add);
            } catch (RuntimeException e) {
                fresh = false;
                fetchError = "failed to read the stacks of revision " + snap.shortRevision() + ": " + e.getMessage();
                stacks = List.of();
            }
            metrics.sourceRevision(snap.revision());
        }
        String sourceUrl = snap != null ? snap.sourceUrl() : previousSourceUrl;
        Map<String, DesiredStack> desiredByName = new LinkedHashMap<>();
        stacks.forEach(s -> desiredByName.put(s.name(), s));

        Map<String, List<LiveApp>> live = new TreeMap<>();
        Map<String, LiveApp> liveByKey = new HashMap<>();
        Map<String, String> unreachable = new TreeMap<>();
        Map<String, DockerStatus> dockerDown = new TreeMap<>();
        List<Observation.TargetSeen> seen = new ArrayList<>();
        Set<String> selfApps = new TreeSet<>();
        for (var t : new TreeMap<>(targets).entrySet()) {
            try {
                List<App> apps = t.getValue().list(true);
                DockerStatus down = appsServiceDown(t.getKey(), t.getValue(), apps);
                if (down != null) {
                    // reachable, but its (empty) app list means nothing: the target is held, see the planner
                    dockerDown.put(t.getKey(), down);
                    metrics.connectionUp(t.getKey(), true);
                    metrics.appsServiceUp(t.getKey(), false);
                    metrics.appsByState(t.getKey(), Map.of());
                    seen.add(new Observation.TargetSeen(t.getKey(), true, null, down));
                    continue;
                }
                selfApps.addAll(SelfApp.appsRunning(ownContainerId, apps));
                List<LiveApp> observed = apps.stream().map(a -> LiveApp.observe(t.getKey(), a)).toList();
                live.put(t.getKey(), observed);
                observed.forEach(a -> liveByKey.put(InventoryEntry.key(t.getKey(), a.name()), a));
                metrics.connectionUp(t.getKey(), true);
                metrics.appsServiceUp(t.getKey(), true);
                Map<AppState, Integer> counts = new EnumMap<>(AppState.class);
                apps.forEach(a -> counts.merge(a.state() == null ? AppState.UNKNOWN : a.state(), 1, Integer::sum));
                metrics.appsByState(t.getKey(), counts);
                seen.add(new Observation.TargetSeen(t.getKey(), true, null, null));
            } catch (RuntimeException e) {
                String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                unreachable.put(t.getKey(), msg);
                metrics.connectionUp(t.getKey(), false);
                seen.add(new Observation.TargetSeen(t.getKey(), false, msg, null));
            }
        }
        return new Observation(snap == null ? null : snap.revision(), sourceUrl, fresh && snap != null, stacks,
                desiredByName, live, liveByKey, unreachable, dockerDown, warnings, snap, fresh, fetchError,
                List.copyOf(seen), Set.copyOf(selfApps));
    }

    /**
     * The datasets of each reachable target that has a stack with a {@code snapshot:} policy and a storage API: one
     * {@code pool.dataset.query} per such target, none otherwise. A target whose datasets cannot be read is left out
     * (its snapshot policies are then checked without them, and the snapshot before an update fails closed).
     */
    Map<String, List<io.truenasgitops.truenas.Dataset>> datasets(Observation obs, Map<String, TargetStorage> storage) {
        Map<String, List<io.truenasgitops.truenas.Dataset>> out = new TreeMap<>();
        Set<String> wanted = new TreeSet<>();
        obs.stacks().forEach(d -> {
            if (d.isValid() && d.settings().snapshot().enabled()) {
                wanted.add(d.target());
            }
        });
        for (String target : wanted) {
            TargetStorage st = storage.get(target);
            if (st == null || !obs.live().containsKey(target)) {
                continue;
            }
            try {
                out.put(target, List.copyOf(st.pools().datasets()));
            } catch (RuntimeException e) {
                if (datasetsDenied.add(target)) {
                    LOG.warnf("cannot read the datasets of target '%s' (%s): the snapshot policies there are checked"
                            + " without them; give the API key's user the DATASET_READ role", target, e.getMessage());
                }
            }
        }
        return out;
    }

    /**
     * The {@code docker.status} of a target whose apps service is not RUNNING, else null. {@code app.query}
     * answers {@code []} (no error) while Docker is stopped, unconfigured or starting, so the status is read
     * only when the list could be hiding that: when it is empty, or when an app we applied there is absent
     * (the pass would otherwise report it missing or re-create it). A steady state costs no extra call.
     */
    private DockerStatus appsServiceDown(String target, AppsApi api, List<App> apps) {
        Set<String> listed = new HashSet<>();
        apps.forEach(a -> listed.add(a.name()));
        boolean suspicious = apps.isEmpty() || inventoryMissesApps.test(target, listed);
        if (!suspicious) {
            return null;
        }
        try {
            DockerStatus ds = api.dockerStatus();
            return ds.isRunning() ? null : ds;
        } catch (NotAuthorizedException e) {
            // a user without DOCKER_READ: plan as before; a create on a stopped Docker then fails transiently
            if (dockerStatusDenied.add(target)) {
                LOG.warnf("cannot read docker.status on target '%s' (%s): give the API key's user the DOCKER_READ"
                        + " role, or an app list emptied by a stopped apps service looks like missing apps",
                        target, e.getMessage());
            }
            return null;
        }
    }
}
