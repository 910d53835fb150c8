package io.truenasgitops.truenas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * Waits for jobs to end: job events, a periodic {@code core.get_jobs} poll as a safety net, a timeout, and the
 * checks that a job id still names the awaited job after a middleware restart. Runs on the client's context.
 */
final class JobWatcher {
    private static final Logger LOG = Logger.getLogger(MiddlewareClient.class);
    private static final int RECENT_JOBS = 512;

    private final MiddlewareClient client;
    private final ConnectionSettings settings;
    private final Vertx vertx;
    private final Map<Long, List<JobWatch>> watches = new HashMap<>();
    private final LinkedHashMap<Long, Job> recentJobs = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Job> eldest) {
            return size() > RECENT_JOBS;
        }
    };

    JobWatcher(MiddlewareClient client, ConnectionSettings settings, Vertx vertx) {
        this.client = client;
        this.settings = settings;
        this.vertx = vertx;
    }

    /** After a reconnect: job ids are reused after a middleware restart, so every awaited job is checked again. */
    void pollAll() {
        watches.values().forEach(list -> List.copyOf(list).forEach(this::poll));
    }

    /** The connection was lost: ids restart at 1 when the middleware restarts, nothing cached may be trusted. */
    void forgetRecentJobs() {
        recentJobs.clear();
    }

    /** The client closed: every waiting caller gets a {@link ConnectionLostException}. */
    void closeAll() {
        watches.values().forEach(list -> List.copyOf(list).forEach(w -> finish(w, null,
                new ConnectionLostException(w.context + ": the client was closed while waiting for job " + w.id
                        + "; it goes on running on the NAS", null, null, List.of(), w.id, null))));
    }


    /** One caller waiting for one job's end. */
    static final class JobWatch {
        final long id;
        final String method;
        final String firstArg;
        final String context;
        final JobListener listener;
        final CompletableFuture<Job> result = new CompletableFuture<>();
        Long timeStarted;
        String lastSeen;
        long timeoutTimer = -1;
        long pollTimer = -1;

        JobWatch(long id, String method, String firstArg, String context, JobListener listener) {
            this.id = id;
            this.method = method;
            this.firstArg = firstArg;
            this.context = context;
            this.listener = listener;
        }
    }

    void onJobEvent(MiddlewareEvent event) {
        JsonNode fields = event.fields();
        long id = event.id() != null && event.id().canConvertToLong() ? event.id().asLong()
                : fields != null ? fields.path("id").asLong(-1) : -1;
        if (id < 0 || fields == null || !fields.isObject()) {
            return;
        }
        Job previous = recentJobs.get(id);
        ObjectNode merged = previous != null && previous.raw() instanceof ObjectNode o ? o.deepCopy()
                : Json.MAPPER.createObjectNode();
        merged.setAll((ObjectNode) fields);
        merged.put("id", id);
        Job job = Job.fromWire(merged);
        recentJobs.put(id, job);
        List<JobWatch> list = watches.get(id);
        if (list != null) {
            List.copyOf(list).forEach(w -> onJobUpdate(w, job));
        }
    }

    void watch(JobWatch w, Duration timeout) {
        watches.computeIfAbsent(w.id, k -> new ArrayList<>()).add(w);
        w.timeoutTimer = vertx.setTimer(Math.max(1, timeout.toMillis()), t -> finish(w, null,
                new CallTimeoutException(w.context + ": job " + w.id + describeMethod(w) + " did not finish within "
                        + MiddlewareClient.human(timeout) + "; it goes on running on the NAS (follow it with 'jobs wait " + w.id + "')",
                        null, null, List.of(), w.id, null)));
        Job cached = recentJobs.get(w.id);
        if (cached != null) {
            onJobUpdate(w, cached);
        }
        if (!w.result.isDone()) {
            poll(w);
            w.pollTimer = vertx.setPeriodic(settings.jobPollInterval().toMillis(), t -> poll(w));
        }
    }

    private void poll(JobWatch w) {
        if (w.result.isDone() || !client.isReady()) {
            return;
        }
        ArrayNode filter = Json.MAPPER.createArrayNode();
        filter.addArray().addArray().add("id").add("=").add(w.id);
        int gen = client.generation();
        client.callWhenReady(w.context, "core.get_jobs", List.of(filter.get(0))).onComplete(ar -> {
            if (ar.failed() || w.result.isDone()) {
                return; // a lost connection polls again after the reconnect
            }
            JsonNode rows = ar.result();
            if (rows == null || !rows.isArray() || rows.isEmpty()) {
                finish(w, null, new JobOutcomeUnknownException(w.context + ": job " + w.id + describeMethod(w)
                        + " is no longer known to the middleware (it restarts job ids at 1 when it restarts), so its"
                        + " outcome is unknown; check the app's state before trying again",
                        null, null, List.of(), w.id, null));
                return;
            }
            if (gen == client.generation()) {
                Job job = Job.fromWire(rows.get(0));
                Job newer = recentJobs.get(w.id);
                // An event that overtook this poll is the fresher truth.
                onJobUpdate(w, newer != null && newer.isFinished() ? newer : job);
            }
        });
    }

    private void onJobUpdate(JobWatch w, Job job) {
        if (w.result.isDone()) {
            return;
        }
        String mismatch = identityMismatch(w, job);
        if (mismatch != null) {
            finish(w, null, new JobOutcomeUnknownException(w.context + ": job id " + w.id + " now names another job ("
                    + mismatch + "); the middleware probably restarted, so the outcome of the awaited"
                    + describeMethod(w) + " job is unknown; check the app's state before trying again",
                    null, null, List.of(), w.id, null));
            return;
        }
        String seen = job.state() + "|" + job.progressPercent() + "|" + job.progressDescription();
        if (!seen.equals(w.lastSeen)) {
            w.lastSeen = seen;
            try {
                w.listener.onUpdate(job);
            } catch (RuntimeException e) {
                LOG.debugf(e, "a job listener failed");
            }
        }
        if (job.isFinished()) {
            if ("SUCCESS".equals(job.state())) {
                finish(w, job, null);
            } else {
                finish(w, null, ErrorMapper.fromJob(w.context, job));
            }
        }
    }

    /** Why the job found under the awaited id is not the awaited job, or null when it is. */
    private static String identityMismatch(JobWatch w, Job job) {
        if (w.method != null && job.method() != null && !w.method.equals(job.method())) {
            return "it is a " + job.method() + " job";
        }
        if (w.firstArg != null && job.raw() != null) {
            String actual = firstArgOf(job.raw().get("arguments"));
            if (actual != null && !actual.equals(w.firstArg)) {
                return "it works on '" + actual + "'";
            }
        }
        Long started = job.timeStartedMillis();
        if (started != null) {
            if (w.timeStarted == null) {
                w.timeStarted = started;
            } else if (!started.equals(w.timeStarted)) {
                return "it started at another time";
            }
        }
        return null;
    }

    /** The app name a job works on: a leading string argument, or {@code app_name} of a leading object. */
    static String firstArgOf(JsonNode arguments) {
        if (arguments == null || !arguments.isArray() || arguments.isEmpty()) {
            return null;
        }
        JsonNode first = arguments.get(0);
        if (first.isTextual()) {
            return first.asText();
        }
        if (first.isObject() && first.get("app_name") != null && first.get("app_name").isTextual()) {
            return first.get("app_name").asText();
        }
        return null;
    }

    private void finish(JobWatch w, Job job, TrueNasException error) {
        if (w.timeoutTimer != -1) {
            vertx.cancelTimer(w.timeoutTimer);
        }
        if (w.pollTimer != -1) {
            vertx.cancelTimer(w.pollTimer);
        }
        List<JobWatch> list = watches.get(w.id);
        if (list != null) {
            list.remove(w);
            if (list.isEmpty()) {
                watches.remove(w.id);
            }
        }
        if (error != null) {
            w.result.completeExceptionally(error);
        } else {
            w.result.complete(job);
        }
    }

    private static String describeMethod(JobWatch w) {
        return w.method == null ? "" : " (" + w.method + ")";
    }
}
