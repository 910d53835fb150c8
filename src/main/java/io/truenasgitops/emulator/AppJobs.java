package io.truenasgitops.emulator;

import static io.truenasgitops.emulator.Params.arg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The app jobs: create, update, redeploy, delete, start, stop and pull images, each under its job lock.
 */
final class AppJobs implements MethodArea {
    private final NasState nas;
    private final Events events;
    private final JobQueue jobQueue;
    private final AppReads reads;

    AppJobs(NasState nas, Events events, JobQueue jobQueue, AppReads reads) {
        this.nas = nas;
        this.events = events;
        this.jobQueue = jobQueue;
        this.reads = reads;
    }

    @Override
    public void register(MethodRegistry.Registration methods) {
        methods.def("app.create", (s, p) -> jobQueue.submit(s, "app.create", p, jobQueue.createLock(p), ctx -> appCreate(ctx, p)));
        methods.def("app.update", (s, p) -> jobQueue.submit(s, "app.update", p, jobQueue.nameLock("app_update_", p), ctx -> appUpdate(ctx, p)));
        methods.def("app.delete", (s, p) -> jobQueue.submit(s, "app.delete", p, jobQueue.nameLock("app_delete_", p), ctx -> appDelete(ctx, p)));
        methods.def("app.start", (s, p) -> jobQueue.submit(s, "app.start", p, jobQueue.nameLock("app_start_", p), ctx -> appStart(ctx, p)));
        methods.def("app.stop", (s, p) -> jobQueue.submit(s, "app.stop", p, jobQueue.nameLock("app_stop_", p), ctx -> appStop(ctx, p)));
        methods.def("app.redeploy", (s, p) -> jobQueue.submit(s, "app.redeploy", p, jobQueue.nameLock("app_redeploy_", p), ctx -> appRedeploy(ctx, p)));
        methods.def("app.pull_images", (s, p) -> jobQueue.submit(s, "app.pull_images", p, jobQueue.nameLock("pull_images_", p), ctx -> appPullImages(ctx, p)));
    }

    private JsonNode appCreate(JobQueue.JobContext ctx, ArrayNode p) {
        AppArguments.Problems problems = new AppArguments.Problems();
        AppArguments.tooMany(p, 1, problems);
        JsonNode data = arg(p, 0);
        String name = null;
        if (data == null) {
            problems.add("app_create", "Field required");
        } else if (!data.isObject()) {
            problems.add("app_create", "Input should be a valid dictionary or instance of AppCreate");
        } else {
            AppArguments.checkFields(data, "app_create", AppArguments.CREATE_SCHEMA, problems);
            name = data.path("app_name").asText(null);
        }
        problems.check();
        reads.requireDocker();
        synchronized (nas.lock) {
            if (nas.apps.containsKey(name)) {
                throw new MiddlewareError.Call(Errno.EEXIST, "Application with name " + name + " already exists");
            }
        }
        if (!data.path("custom_app").asBoolean(false)) {
            JsonNode catalogApp = data.get("catalog_app");
            if (catalogApp == null || catalogApp.isNull() || catalogApp.asText().isEmpty()) {
                throw MiddlewareError.Validation.of("app_create.catalog_app", "This field is required");
            }
            // The emulator's catalog is empty: every catalog app is unknown, as on a box without that app.
            throw new MiddlewareError.Call(Errno.ENOENT, "App " + catalogApp.asText() + " not found in "
                    + data.path("train").asText("stable") + " train");
        }
        Map<String, Object> compose = AppArguments.validatePayload(data, "app_create");
        ctx.progress(25, "Initial validation completed for custom app creation");
        ctx.progress(35, "Setting up App directory");
        AppRecord app = new AppRecord(name, compose, true);
        synchronized (nas.lock) {
            nas.apps.put(name, app);
            events.publishApp("ADDED", app);
        }
        ctx.progress(60, "App installation in progress, pulling images");
        Faults.JobFailure failure = nas.faults.takeJobFailure(ctx.job.method, app.name);
        try {
            nas.containers.up(app, failure);
        } catch (MiddlewareError e) {
            if (nas.release().atLeast(Release.V26_0)) {
                // 26.0 custom_app.py create: the containers' logs go into the job's log (logs_excerpt)
                String logs = nas.containers.collectLogs(app, failure);
                ctx.writeLogs(logs.isEmpty() ? "No logs could be retrieved for " + Py.repr(name)
                        + " installation failure\n" : "App installation logs for " + name + ":\n" + logs);
            }
            ctx.progress(80, "Failure occurred while installing " + Py.repr(name) + ", cleaning up");
            // remove_failed_resources: a compose down whose failure is ignored, then the app's folder goes.
            try {
                nas.containers.down(app, false, false);
            } catch (MiddlewareError ignored) {
                // as contextlib.suppress(Exception) does there
            }
            nas.containers.forget(app);
            synchronized (nas.lock) {
                nas.apps.remove(name, app);
                events.publishApp("REMOVED", app);
            }
            throw e;
        }
        ctx.progress(100, Py.repr(name) + " installed successfully");
        synchronized (nas.lock) {
            return app.entry(false, nas.release());
        }
    }

    /** {@code compose up -d --force-recreate --remove-orphans}: down, then new containers. */
    private void composeUp(JobQueue.JobContext ctx, AppRecord app) {
        nas.containers.up(app, nas.faults.takeJobFailure(ctx.job.method, app.name));
    }

    /** The app of a method whose one argument is {@code app_name} (redeploy, start, stop), checked as pydantic does. */
    private AppRecord onlyApp(ArrayNode p) {
        AppArguments.Problems problems = new AppArguments.Problems();
        AppArguments.tooMany(p, 1, problems);
        String name = AppArguments.nonEmptyName(arg(p, 0), "app_name", problems);
        problems.check();
        return jobInstance(name);
    }

    /**
     * {@code get_usable_instance} inside a job: with Docker down the app is not found, as {@code app.query} is [];
     * on 27.0 an app in ERROR is refused (only {@link #deletableInstance} takes it).
     */
    private AppRecord jobInstance(String name) {
        synchronized (nas.lock) {
            return reads.usableInstance(name);
        }
    }

    /** {@code get_instance}, as {@code app.delete} takes the app: an app in ERROR too. */
    private AppRecord deletableInstance(String name) {
        synchronized (nas.lock) {
            return reads.instance(name);
        }
    }

    private JsonNode appUpdate(JobQueue.JobContext ctx, ArrayNode p) {
        AppArguments.Problems problems = new AppArguments.Problems();
        AppArguments.tooMany(p, 2, problems);
        String name = AppArguments.nonEmptyName(arg(p, 0), "app_name", problems);
        JsonNode update = AppArguments.optionalObject(arg(p, 1), "update", "AppUpdate", AppArguments.UPDATE_SCHEMA,
                problems);
        problems.check();
        AppRecord app = jobInstance(name);
        boolean wasStopped;
        synchronized (nas.lock) {
            wasStopped = app.state(nas.release()).equals("STOPPED");
        }
        Map<String, Object> compose = AppArguments.validatePayload(update, "app_update");
        return updateInternal(ctx, app, compose, "Update", !wasStopped);
    }

    private JsonNode updateInternal(JobQueue.JobContext ctx, AppRecord app, Map<String, Object> compose, String keyword, boolean trigger) {
        ctx.progress(25, "Initial Validation completed");
        synchronized (nas.lock) {
            if (compose != null || keyword.equals("Update")) {
                app.compose = compose;
            }
        }
        ctx.progress(60, "Configuration updated");
        synchronized (nas.lock) {
            events.publishApp("CHANGED", app);
        }
        if (trigger) {
            ctx.progress(70, "Updating docker resources");
            composeUp(ctx, app);
        }
        ctx.progress(100, keyword + " completed for " + Py.repr(app.name));
        synchronized (nas.lock) {
            return app.entry(false, nas.release());
        }
    }

    private JsonNode appRedeploy(JobQueue.JobContext ctx, ArrayNode p) {
        AppRecord app = onlyApp(p);
        return updateInternal(ctx, app, null, "Redeployment", true);
    }

    private JsonNode appDelete(JobQueue.JobContext ctx, ArrayNode p) {
        AppArguments.Problems problems = new AppArguments.Problems();
        AppArguments.tooMany(p, 2, problems);
        String name = AppArguments.nonEmptyName(arg(p, 0), "app_name", problems);
        Map<String, String> schema = new LinkedHashMap<>(AppArguments.DELETE_SCHEMA);
        if (nas.release() == Release.V24_10) {
            schema.remove("force_remove_custom_app");
        }
        JsonNode opts = AppArguments.optionalObject(arg(p, 1), "options", "AppDelete", schema, problems);
        problems.check();
        boolean force = opts.path("force_remove_custom_app").asBoolean(false);
        AppRecord app = deletableInstance(name);
        if (force && !app.custom) {
            throw new MiddlewareError.Call(Errno.EINVAL, "`force_remove_custom_app` flag is only valid for a custom app");
        }
        ctx.progress(20, "Deleting " + Py.repr(name) + " app");
        Faults.JobFailure failure = nas.faults.takeJobFailure("app.delete", name);
        boolean skipDown = false;
        synchronized (nas.lock) {
            if (failure != null || (!app.deployable() && app.errorReason == null)) {
                boolean noResources = app.containers.isEmpty();
                if (!(app.custom && force && noResources)) {
                    throw failure != null ? new MiddlewareError.Call(failure.errno(), failure.message())
                            : new MiddlewareError.Call(Errno.EFAULT, "Failed 'down' action for " + Py.repr(name)
                                    + " app. Please check /var/log/app_lifecycle.log for more details");
                }
                skipDown = true;
            }
        }
        if (!skipDown) {
            // delete_internal: down --remove-orphans -v, plus --rmi all when remove_images (the default).
            nas.containers.down(app, true, opts.path("remove_images").asBoolean(true));
        }
        nas.containers.forget(app);
        ctx.progress(80, "Cleaning up resources");
        synchronized (nas.lock) {
            nas.apps.remove(name, app);
            events.publishApp("REMOVED", app);
        }
        ctx.progress(100, "Deleted " + Py.repr(name) + " app");
        return BooleanNode.TRUE;
    }

    private JsonNode appStart(JobQueue.JobContext ctx, ArrayNode p) {
        AppRecord app = onlyApp(p);
        String name = app.name;
        ctx.progress(20, "Starting " + Py.repr(name) + " app");
        composeUp(ctx, app);
        ctx.progress(100, "Started " + Py.repr(name) + " app");
        return NullNode.instance;
    }

    private JsonNode appStop(JobQueue.JobContext ctx, ArrayNode p) {
        AppRecord app = onlyApp(p);
        String name = app.name;
        try {
            synchronized (nas.lock) {
                events.publish("app.query", "CHANGED", TextNode.valueOf(name),
                        app.entry("STOPPING", false, nas.release(), true));
            }
            ctx.progress(20, "Stopping " + Py.repr(name) + " app");
            Faults.JobFailure failure = nas.faults.takeJobFailure("app.stop", name);
            if (failure != null) {
                throw new MiddlewareError.Call(failure.errno(), failure.message());
            }
            nas.containers.down(app, false, false);
            ctx.progress(100, "Stopped " + Py.repr(name) + " app");
        } finally {
            synchronized (nas.lock) {
                if (nas.apps.get(name) == app) {
                    events.publishApp("CHANGED", app);
                }
            }
        }
        return NullNode.instance;
    }

    private JsonNode appPullImages(JobQueue.JobContext ctx, ArrayNode p) {
        AppArguments.Problems problems = new AppArguments.Problems();
        AppArguments.tooMany(p, 2, problems);
        String name = AppArguments.nonEmptyName(arg(p, 0), "app_name", problems);
        JsonNode opts = AppArguments.optionalObject(arg(p, 1), "options", "AppPullImages",
                AppArguments.ordered("redeploy", "bool"), problems);
        problems.check();
        boolean redeploy = opts.path("redeploy").asBoolean(true);
        AppRecord app = jobInstance(name);
        List<String> running;
        synchronized (nas.lock) {
            running = app.containers.stream().map(c -> c.image).toList();
        }
        ctx.progress(20, "Pulling app images");
        Faults.JobFailure failure = nas.faults.takeJobFailure("app.pull_images", name);
        if (failure != null) {
            throw new MiddlewareError.Call(failure.errno(), failure.message());
        }
        ctx.progress(redeploy ? 80 : 100, "Images pulled successfully");
        nas.imageUpdates.pulled(running);
        if (redeploy) {
            // The real method starts app.redeploy as its own job and waits for it.
            ArrayNode args = Json.array().add(name);
            long childId = jobQueue.submit(null, "app.redeploy", args, "app_redeploy_" + name,
                    c -> appRedeploy(c, args)).asLong();
            JobRecord child = jobQueue.awaitJob(ctx, childId);
            if (child != null && "FAILED".equals(child.state)) {
                throw new MiddlewareError.Call(Errno.EFAULT, child.error == null ? "Redeploy failed" : child.error);
            }
            ctx.progress(100, "App redeployed successfully");
        }
        return NullNode.instance;
    }
}
