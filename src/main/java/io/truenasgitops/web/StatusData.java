package io.truenasgitops.web;

import io.truenasgitops.api.ApiProblem;
import io.truenasgitops.api.ApiV1Resource;
import io.truenasgitops.api.V1;
import io.truenasgitops.api.RunningEngine;
import io.truenasgitops.git.GitSourceException;
import io.truenasgitops.git.Snapshot;
import io.truenasgitops.reconcile.Reconciler;
import io.truenasgitops.truenas.TrueNasException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Gathers what the status page shows. Stacks, events and diffs come from the REST API resource itself, so the
 * page and {@code /api/v1} never disagree; the Git source and the NAS targets from the engine's last pass.
 */
@ApplicationScoped
public class StatusData {

    private static final Logger LOG = Logger.getLogger(StatusData.class);
    static final int OVERVIEW_EVENTS = 25;
    static final int STACK_EVENTS = 50;
    static final int STACK_HISTORY = 20;
    /** The order of the summary counts: the ones that need a look first. */
    private static final List<String> STATUS_ORDER = List.of("stalled", "degraded", "missing", "progressing",
            "unknown", "suspended", "stopped", "healthy");

    @Inject
    ApiV1Resource api;

    @Inject
    RunningEngine daemon;

    /** The overview. */
    public Views.Overview overview(boolean signedIn) {
        Optional<Snapshot> snapshot = daemon.source().lastGood();
        List<Views.StackRow> rows = api.stacks().stream()
                .sorted(Comparator.comparing(V1.Stack::name))
                .map(s -> row(s, snapshot))
                .toList();
        Map<String, Long> byStatus = rows.stream()
                .collect(Collectors.groupingBy(r -> r.stack().status(), TreeMap::new, Collectors.counting()));
        List<Views.Count> counts = byStatus.entrySet().stream()
                .sorted(Comparator.comparingInt(e -> order(e.getKey())))
                .map(e -> new Views.Count(e.getKey(), e.getValue()))
                .toList();
        boolean inSync = rows.stream().noneMatch(Views.StackRow::attention);
        return new Views.Overview(version(), rows, counts, inSync, source(snapshot), targets(),
                api.events(null, String.valueOf(OVERVIEW_EVENTS)), signedIn);
    }

    /**
     * One stack's page, with what differs from Git now (compared on the spot, as {@code GET
     * /api/v1/stacks/{name}/diff} does: read-only).
     *
     * @throws ApiProblem 404 when no pass has seen the stack
     */
    public Views.StackPage stack(String name, boolean signedIn) {
        Optional<Snapshot> snapshot = daemon.source().lastGood();
        Views.StackRow row = row(api.stack(name), snapshot);
        V1.Diff diff = null;
        String diffError = null;
        try {
            diff = api.diff(name);
        } catch (ApiProblem | TrueNasException | GitSourceException e) {
            // these messages name what failed and never a credential
            diffError = e.getMessage();
        } catch (RuntimeException e) {
            LOG.errorf(e, "status page: comparing stack '%s' with Git failed", name);
            diffError = "comparing failed unexpectedly; the details are in the daemon's log";
        }
        return new Views.StackPage(version(), row, diff, diffError, api.events(name, String.valueOf(STACK_EVENTS)),
                source(snapshot), signedIn, api.history(name, String.valueOf(STACK_HISTORY)));
    }

    /**
     * A value that changes whenever anything the pages show changes (statuses, the newest event, the source
     * and the targets); cheap, so the live-update stream can ask every second.
     */
    public String version() {
        Reconciler r = daemon.reconciler();
        List<V1.Event> newest = api.events(null, "1");
        int hash = Objects.hash(api.stacks(), newest, r.source(), r.targets());
        return Integer.toHexString(hash);
    }

    private Views.StackRow row(V1.Stack s, Optional<Snapshot> snapshot) {
        String message = snapshot.filter(snap -> snap.revision().equals(s.lastAppliedRevision()))
                .map(Snapshot::commitMessage).orElse("");
        return new Views.StackRow(s, message);
    }

    private Views.Source source(Optional<Snapshot> snapshot) {
        Reconciler.SourceState state = daemon.reconciler().source();
        String revision = state.revision() != null ? state.revision() : snapshot.map(Snapshot::revision).orElse(null);
        String message = snapshot.filter(snap -> snap.revision().equals(revision)).map(Snapshot::commitMessage)
                .orElse("");
        return new Views.Source(daemon.source().describe(), revision, message, state.fetchedAt(),
                state.lastSuccessAt(), state.lastError());
    }

    private List<Views.Target> targets() {
        Map<String, String> configured = daemon.targetUrls();
        Map<String, Reconciler.TargetState> seen = daemon.reconciler().targets().stream()
                .collect(Collectors.toMap(Reconciler.TargetState::name, Function.identity()));
        return configured.entrySet().stream().map(t -> {
            Reconciler.TargetState s = seen.get(t.getKey());
            String state;
            String detail = null;
            if (s == null) {
                state = "unknown";
            } else if (!s.up()) {
                state = "unreachable";
                detail = s.lastError();
            } else if (s.appsServiceDown() != null) {
                state = "apps service down";
                detail = s.appsServiceDown().status()
                        + (s.appsServiceDown().description() == null ? "" : ": " + s.appsServiceDown().description());
            } else {
                state = "up";
            }
            return new Views.Target(t.getKey(), withoutUserInfo(t.getValue()), state, detail, s == null ? null : s.lastSeenAt());
        }).toList();
    }

    /** A URL as shown: without user and password, should anybody have put them there. */
    static String withoutUserInfo(String url) {
        try {
            URI u = URI.create(url);
            if (u.getRawUserInfo() == null) {
                return url;
            }
            return new URI(u.getScheme(), null, u.getHost(), u.getPort(), u.getPath(), u.getQuery(), u.getFragment())
                    .toString();
        } catch (IllegalArgumentException | java.net.URISyntaxException e) {
            return url.replaceAll("//[^/@]*@", "//");
        }
    }

    private static int order(String status) {
        int i = STATUS_ORDER.indexOf(status);
        return i < 0 ? STATUS_ORDER.size() : i;
    }
}
