package io.truenasgitops.api;

import io.truenasgitops.reconcile.Action;
import io.truenasgitops.reconcile.PassResult;
import io.truenasgitops.reconcile.Plan;
import io.truenasgitops.reconcile.Reconciler;
import io.truenasgitops.reconcile.StackHistory;
import io.truenasgitops.reconcile.StackStatus;
import io.truenasgitops.reconcile.SyncOptions;
import io.truenasgitops.reconcile.TriggerReason;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

/**
 * REST API v1: stack statuses, the plan, diffs and events (read), and sync, suspend and resume (need the
 * bearer token, see {@link AuthFilter}). Errors are {@code application/problem+json}.
 */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "stacks", description = "Stacks, plan, diff, events and sync")
@SecurityScheme(securitySchemeName = "token", type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "The token in the file named by truenas-gitops.api.token-file")
public class ApiV1Resource {

    private static final Logger LOG = Logger.getLogger(ApiV1Resource.class);
    /** Upper bound of {@code ?limit} on events. */
    static final int MAX_EVENTS = 1000;
    /** Upper bound of {@code ?lines} on logs. */
    static final int MAX_LOG_LINES = 200;

    @Inject
    RunningEngine daemon;

    @Inject
    AuthFilter auth;

    @GET
    @Path("stacks")
    @Operation(summary = "All stacks", description = "Status, conditions, drift and last applied revision of every stack"
            + " seen by the last pass, by name.")
    public List<V1.Stack> stacks() {
        Reconciler r = daemon.reconciler();
        return r.statuses().stream().map(s -> V1.Stack.of(s, r.suspension(s.name()))).toList();
    }

    @GET
    @Path("stacks/{name}")
    @Operation(summary = "One stack")
    @APIResponse(responseCode = "404", description = "No stack of that name was seen by the last pass")
    public V1.Stack stack(@PathParam("name") String name) {
        Reconciler r = daemon.reconciler();
        return V1.Stack.of(known(r, name), r.suspension(name));
    }

    @GET
    @Path("stacks/{name}/diff")
    @Operation(summary = "What differs between a stack's app and Git",
            description = "Fetches and compares now (read-only); secret values are shown as ***.")
    @APIResponse(responseCode = "404", description = "No stack of that name in Git or on the NAS")
    public V1.Diff diff(@PathParam("name") String name) {
        Plan plan = daemon.reconciler().plan();
        Action action = plan.action(name).orElseThrow(() -> ApiProblem.notFound("stack",
                "there is no stack '" + name + "' in revision " + shortRev(plan.revision())
                        + " nor an app of that name we created; GET /api/v1/plan lists them"));
        return V1.Diff.of(plan.revision(), action);
    }

    @GET
    @Path("plan")
    @Operation(summary = "What a pass would do now", description = "Fetches, reads the NAS and plans; writes nothing.")
    public V1.Plan plan() {
        return V1.Plan.of(daemon.reconciler().plan());
    }

    @GET
    @Path("events")
    @Operation(summary = "Recent events, newest first")
    public List<V1.Event> events(
            @Parameter(description = "only events of this stack") @QueryParam("stack") String stack,
            @Parameter(description = "at most this many (1..1000)") @QueryParam("limit") @DefaultValue("100") String limitText) {
        // taken as text: an int parameter that does not parse is a 404 in JAX-RS, and this is the client's mistake
        int limit = limit(limitText, MAX_EVENTS);
        return daemon.reconciler().events(Optional.ofNullable(stack).filter(s -> !s.isBlank()), limit).stream()
                .map(V1.Event::of).toList();
    }

    @POST
    @Path("sync")
    @Operation(summary = "Fetch and reconcile every stack",
            description = "Queues a pass (202), or with ?wait=true runs it and answers with what it did (200)."
                    + " With ?stack=NAME (repeatable) only those stacks, as POST /stacks/{name}/sync does.")
    @SecurityRequirement(name = "token")
    @APIResponse(responseCode = "202", description = "Queued")
    @APIResponse(responseCode = "200", description = "Completed (wait=true)")
    @APIResponse(responseCode = "400", description = "A stack parameter names no stack the last pass saw")
    public Response sync(@Parameter(description = "run the pass now and answer when it is done")
            @QueryParam("wait") @DefaultValue("false") boolean wait,
            @Parameter(description = "only this stack (repeatable)") @QueryParam("stack") List<String> stack,
            @Parameter(description = "also revert the drift of the stacks that drift (as POST /stacks/{name}/sync"
                    + " does for one): the status page's Sync now") @QueryParam("revertDrift") @DefaultValue("false")
            boolean revertDrift,
            @HeaderParam("User-Agent") String userAgent) {
        List<String> only = stack == null ? List.of()
                : stack.stream().filter(s -> s != null && !s.isBlank()).distinct().toList();
        Reconciler r = daemon.reconciler();
        List<String> knownNames = r.statuses().stream().map(StackStatus::name).sorted().toList();
        List<String> unknown = only.stream().filter(s -> !knownNames.contains(s)).toList();
        if (!unknown.isEmpty()) {
            throw ApiProblem.badRequest("stack parameter: no stack " + String.join(", ", unknown.stream()
                    .map(s -> "'" + s + "'").toList()) + " was seen by the last pass; known stacks: "
                    + (knownNames.isEmpty() ? "none yet" : String.join(", ", knownNames))
                    + " (GET /api/v1/stacks lists them; a stack just pushed appears after the next pass)");
        }
        Set<String> force = revertDrift ? r.statuses().stream().filter(st -> !st.drift().isEmpty())
                .map(StackStatus::name).filter(n -> only.isEmpty() || only.contains(n))
                .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new)) : Set.of();
        return runOrQueue(only, force, wait, trigger(userAgent));
    }

    @POST
    @Path("stacks/{name}/sync")
    @Operation(summary = "Fetch and reconcile one stack",
            description = "A human asking: drift is reverted and a Stalled stack is retried.")
    @SecurityRequirement(name = "token")
    @APIResponse(responseCode = "202", description = "Queued")
    @APIResponse(responseCode = "200", description = "Completed (wait=true)")
    @APIResponse(responseCode = "404", description = "Unknown stack")
    public Response syncStack(@PathParam("name") String name,
            @QueryParam("wait") @DefaultValue("false") boolean wait, @HeaderParam("User-Agent") String userAgent) {
        known(daemon.reconciler(), name);
        return runOrQueue(List.of(name), Set.of(name), wait, trigger(userAgent));
    }

    @GET
    @Path("mode")
    @Operation(summary = "The daemon's mode", description = "sync (passes apply) or report (observe only).")
    public V1.ModeSetting mode() {
        return V1.ModeSetting.of(daemon.reconciler().mode());
    }

    @PUT
    @Path("mode")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Switch the daemon's mode at runtime", description = "Body {\"mode\": \"report\"} (observe"
            + " only: plan, drift, metrics and notifications, never a write) or {\"mode\": \"sync\"}; from the next"
            + " pass on, until the next start (truenas-gitops.reconcile.mode decides then).")
    @APIResponse(responseCode = "400", description = "Not sync or report")
    @SecurityRequirement(name = "token")
    public V1.ModeSetting setMode(V1.ModeSetting body) {
        io.truenasgitops.reconcile.Mode next;
        try {
            next = io.truenasgitops.reconcile.Mode.parse(body == null ? null : body.mode());
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest("mode: " + e.getMessage());
        }
        if (daemon.reconciler().setMode(next)) {
            LOG.infof("mode set to %s through the API", next.label());
        }
        return V1.ModeSetting.of(next);
    }

    @POST
    @Path("stacks/{name}/suspend")
    @Operation(summary = "Suspend a stack at runtime", description = "Passes neither apply nor revert anything for it"
            + " until it is resumed (kept across restarts).")
    @SecurityRequirement(name = "token")
    public V1.Suspension suspend(@PathParam("name") String name) {
        Reconciler r = daemon.reconciler();
        known(r, name);
        r.suspend(name);
        LOG.infof("stack '%s' suspended through the API", name);
        Reconciler.Suspension now = r.suspension(name);
        return new V1.Suspension(name, now.suspended(), "stack '" + name + "' is suspended: passes leave its app"
                + " alone until it is resumed", now.atRuntime(), now.inStackYaml());
    }

    @POST
    @Path("stacks/{name}/resume")
    @Operation(summary = "Resume a stack suspended at runtime",
            description = "A `suspend: true` in its stack.yaml still wins.")
    @SecurityRequirement(name = "token")
    public V1.Suspension resume(@PathParam("name") String name) {
        Reconciler r = daemon.reconciler();
        known(r, name);
        r.resume(name);
        LOG.infof("stack '%s' resumed through the API", name);
        // read after the change: not the last pass's copy, which still has the suspension just lifted
        Reconciler.Suspension now = r.suspension(name);
        return new V1.Suspension(name, now.suspended(), now.inStackYaml()
                ? "stack '" + name + "' resumed at runtime, but its stack.yaml still says suspend: true"
                : "stack '" + name + "' resumed: the next pass reconciles it", now.atRuntime(), now.inStackYaml());
    }

    @GET
    @Path("stacks/{name}/history")
    @Operation(summary = "A stack's history, newest first", description = "Its applies, failed applies, prunes and"
            + " rollbacks: revision, when, what was done, the outcome and its reason, and what triggered it (poll,"
            + " webhook, api, cli, retry, startup, image-update). Kept per stack (the newest " + StackHistory.PER_STACK
            + ") with the daemon's state, so a restart keeps it.")
    @APIResponse(responseCode = "404", description = "No stack of that name, and no history of one")
    public List<V1.HistoryEntry> history(@PathParam("name") String name,
            @Parameter(description = "at most this many (1.." + StackHistory.PER_STACK + ")") @QueryParam("limit")
            @DefaultValue("" + StackHistory.PER_STACK) String limitText) {
        int limit = limit(limitText, StackHistory.PER_STACK);
        Reconciler r = daemon.reconciler();
        if (r.status(name).isEmpty() && !r.hasHistory(name)) {
            known(r, name);
        }
        return r.history(name, limit).stream().map(V1.HistoryEntry::of).toList();
    }

    @GET
    @Path("stacks/{name}/logs")
    @Operation(summary = "The last log lines of a stack's containers", description = "Reads each container's log"
            + " through the NAS (app.container_log_follow with tail_lines, closed once the tail arrived; at most 10"
            + " containers, a few seconds in all). Secret values are shown as ***. Needs the token even when reads"
            + " do not: a log can hold what no masker knows.")
    @SecurityRequirement(name = "token")
    @APIResponse(responseCode = "404", description = "Unknown stack")
    @APIResponse(responseCode = "409", description = "The stack's secrets cannot be read, so its logs are not shown")
    public V1.ContainerLogs logs(@PathParam("name") String name,
            @Parameter(description = "lines per container (1..200)") @QueryParam("lines") @DefaultValue("50")
            String linesText, @HeaderParam(jakarta.ws.rs.core.HttpHeaders.AUTHORIZATION) String authorization) {
        BearerAuth.Decision decision = auth.bearer().check(authorization);
        if (decision != BearerAuth.Decision.ALLOWED) {
            throw BearerAuth.problem(decision);
        }
        int lines = limit(linesText, MAX_LOG_LINES);
        Reconciler r = daemon.reconciler();
        known(r, name);
        try {
            return new V1.ContainerLogs(name, lines, r.recentLogs(name, lines).stream().map(V1.ContainerLog::of).toList());
        } catch (Reconciler.LogsRefusedException | IllegalArgumentException e) {
            throw ApiProblem.conflict("logs-refused", "Logs not shown", e.getMessage());
        }
    }

    @GET
    @Path("stacks/{name}/rollback")
    @Operation(summary = "Plan a rollback of a stack to a revision", description = "What POST would do: the compose"
            + " diff to that revision, the datasets and the snapshot each returns to, the newer snapshots it would"
            + " destroy, the host paths it leaves alone, and why it would refuse. Changes nothing.")
    @APIResponse(responseCode = "409", description = "No such stack at that revision, or its app is not on the NAS")
    @APIResponse(responseCode = "404", description = "The daemon's clone has no such commit (revision-not-found)")
    public V1.RollbackPlan planRollback(@PathParam("name") String name, @QueryParam("to") String to) {
        return V1.RollbackPlan.of(rollbacks(() -> daemon.reconciler().planRollback(name, revision(to))));
    }

    @POST
    @Path("stacks/{name}/rollback")
    @Operation(summary = "Roll a stack back to a revision", description = "Suspends the stack, stops its app, rolls"
            + " its datasets back to their snapshots of that revision, applies that revision's compose. The stack"
            + " stays suspended until resumed. Refuses (nothing changed) when newer snapshots would be destroyed"
            + " unless destroyNewer=true.")
    @SecurityRequirement(name = "token")
    @APIResponse(responseCode = "409", description = "Refused: nothing was changed; the detail says why")
    @APIResponse(responseCode = "404", description = "The daemon's clone has no such commit (revision-not-found)")
    public V1.Rollback rollback(@PathParam("name") String name, @QueryParam("to") String to,
            @QueryParam("destroyNewer") @DefaultValue("false") boolean destroyNewer,
            @HeaderParam("User-Agent") String userAgent) {
        String rev = revision(to);
        io.truenasgitops.reconcile.RollbackResult result = rollbacks(() -> {
            try {
                return daemon.reconciler().rollback(name, rev, destroyNewer, io.truenasgitops.reconcile.SyncListener.NONE,
                        trigger(userAgent));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ApiProblem(503, "shutting-down", "Shutting down", "the daemon is shutting down: stack '"
                        + name + "' may be half rolled back and is suspended; look at it before resuming");
            }
        });
        LOG.infof("stack '%s' rolled back to %s through the API", name, shortRev(result.plan().revision()));
        return new V1.Rollback(name, result.plan().revision(), true, result.message(), V1.RollbackPlan.of(result.plan()));
    }

    private static int limit(String limitText, int max) {
        int limit;
        try {
            limit = Integer.parseInt(limitText.strip());
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 1 || limit > max) {
            throw ApiProblem.badRequest("limit must be between 1 and " + max + ", not '" + limitText + "'");
        }
        return limit;
    }

    /** CLI when the request comes from this project's CLI (its User-Agent), else the REST API. */
    static TriggerReason trigger(String userAgent) {
        return userAgent != null && userAgent.startsWith(CLI_USER_AGENT) ? TriggerReason.CLI : TriggerReason.API;
    }

    /** The start of the User-Agent the CLI sends to the daemon. */
    public static final String CLI_USER_AGENT = "truenas-gitops-cli";

    private static String revision(String to) {
        if (to == null || !to.strip().matches("[0-9a-fA-F]{4,40}")) {
            throw ApiProblem.badRequest("rollback needs ?to=REVISION, a commit id of 4 to 40 hex digits, not '" + to
                    + "'");
        }
        return to.strip().toLowerCase(java.util.Locale.ROOT);
    }

    private static <T> T rollbacks(java.util.function.Supplier<T> work) {
        try {
            return work.get();
        } catch (io.truenasgitops.reconcile.RollbackRefusedException e) {
            throw ApiProblem.conflict("rollback-refused", "Rollback refused", e.getMessage());
        } catch (io.truenasgitops.git.GitSourceException e) {
            if (e.kind() == io.truenasgitops.git.GitSourceException.Kind.BAD_REF) {
                // A commit the repository does not have is a bad request (the CLI's exit 2), not a refusal.
                throw ApiProblem.notFound("revision", e.getMessage());
            }
            throw e;
        }
    }

    /** Runs or queues a pass over {@code stacks} (all when empty) that forces {@code force} (drift reverted). */
    private Response runOrQueue(List<String> stacks, Set<String> force, boolean wait, TriggerReason trigger) {
        if (!wait && daemon.startedAt().isPresent()) {
            if (stacks.isEmpty()) {
                daemon.loop().triggerAll(trigger, force);
            }
            stacks.forEach(name -> daemon.loop().trigger(trigger, Optional.of(name)));
            return Response.accepted(V1.Sync.queued(stacks)).build();
        }
        SyncOptions options = (stacks.isEmpty() ? new SyncOptions(false, false, Set.of(), force)
                : SyncOptions.only(Set.copyOf(stacks))).withTrigger(trigger);
        PassResult result = daemon.reconciler().syncOnce(options);
        return Response.ok(V1.Sync.completed(stacks, result)).build();
    }

    private static StackStatus known(Reconciler r, String name) {
        return r.status(name).orElseThrow(() -> ApiProblem.notFound("stack", "no stack '" + name
                + "' was seen by the last pass; GET /api/v1/stacks lists the known ones"
                + " (a stack just pushed appears after the next pass)"));
    }

    private static String shortRev(String revision) {
        return revision == null ? "(none)" : io.truenasgitops.git.Snapshot.shorten(revision);
    }
}
