package io.truenasgitops.emulator;

import static io.truenasgitops.emulator.Params.arg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Middleware jobs: creation under a job lock (with its queue of at most five), running on a worker,
 * progress, the end states, {@code core.get_jobs} and {@code core.job_abort}.
 */
final class JobQueue implements MethodArea {
    private final NasState nas;
    private final Events events;

    JobQueue(NasState nas, Events events) {
        this.nas = nas;
        this.events = events;
    }

    @Override
    public void register(MethodRegistry.Registration methods) {
        methods.def("core.get_jobs", (s, p) -> getJobs(arg(p, 0), arg(p, 1)));
        methods.def("core.job_abort", (s, p) -> jobAbort(arg(p, 0)));
    }

    private static final int LOCK_QUEUE_SIZE = 5;

    /** Thrown inside a job body whose middleware was restarted: the job silently stops. */
    private static final class JobCancelled extends RuntimeException {
        JobCancelled() {
            super("middleware restarted", null, false, false);
        }
    }

    /** What a running job body uses to report progress. */
    final class JobContext {
        final JobRecord job;
        private int steps;

        JobContext(JobRecord job) {
            this.job = job;
        }

        /** {@code job.logs_fd.write}: for a job with logs (else ignored). */
        void writeLogs(String text) {
            synchronized (nas.lock) {
                if (job.logs != null) {
                    job.logs.append(text);
                }
            }
        }

        /** {@code job.set_progress}: a CHANGED event, then a short pause (the work of the step). */
        void progress(int percent, String description) {
            alive();
            synchronized (nas.lock) {
                job.percent = percent;
                job.description = description;
                if (!job.aborted) {
                    events.publishJob(job, "CHANGED");
                }
            }
            // The drop comes at the job's second step, a step delay after the first: by then the caller surely has
            // the job id (the answer is sent by the session while the job's first step runs on a worker).
            if (++steps == 2) {
                if (job.owner != null && nas.faults.takeDrop(job.method)) {
                    nas.unregister(job.owner);
                    job.owner.drop();
                }
            }
            NasState.sleep(nas.faults.jobStepDelayOr(nas.options.jobStepDelay()));
            alive();
        }

        void alive() {
            if (job.generation != nas.generation) {
                throw new JobCancelled();
            }
        }
    }

    String createLock(ArrayNode p) {
        JsonNode data = arg(p, 0);
        if (data == null || !data.isObject()) {
            throw lockError();
        }
        JsonNode name = data.get("app_name");
        return "app_create_" + (name == null ? "None" : name.isTextual() ? name.asText() : Py.repr(name));
    }

    String nameLock(String prefix, ArrayNode p) {
        JsonNode name = arg(p, 0);
        if (name == null) {
            throw lockError();
        }
        return prefix + (name.isTextual() ? name.asText() : Py.repr(name));
    }

    private static MiddlewareError lockError() {
        return new MiddlewareError.Call(Errno.EINVAL,
                "Error handling job lock. This is most likely caused by invalid call arguments.");
    }

    private static ArrayNode redactedArguments(ArrayNode params) {
        ArrayNode out = params.deepCopy();
        for (JsonNode item : out) {
            if (item instanceof ObjectNode obj) {
                for (String secret : List.of("values", "custom_compose_config", "custom_compose_config_string")) {
                    if (obj.has(secret)) {
                        obj.put(secret, "********");
                    }
                }
            }
        }
        return out;
    }

    /** Creates the job (or joins a full lock queue) and answers with its id; the body runs when the lock frees. */
    JsonNode submit(Session s, String method, ArrayNode params, String lockName, JobRecord.Body body) {
        synchronized (nas.lock) {
            Deque<JobRecord> waiting = nas.waitingByLock.computeIfAbsent(lockName, k -> new ArrayDeque<>());
            if (waiting.size() >= LOCK_QUEUE_SIZE) {
                return LongNode.valueOf(waiting.peekLast().id);
            }
            JobRecord job = new JobRecord(nas.nextJobId++, method, redactedArguments(params), lockName, body, s,
                    s == null || s.credentials == null ? null : Logins.credentialsDump(s.credentials), nas.generation,
                    nas.release().atLeast(Release.V25_10));
            if (method.equals("app.create") && nas.release().atLeast(Release.V26_0)) {
                // 26.0: plugins/apps/crud.py @job(..., logs=True) on app.create
                job.logs = new StringBuilder();
            }
            nas.jobs.put(job.id, job);
            while (nas.jobs.size() > 1000) {
                Long oldest = nas.jobs.values().stream().filter(JobRecord::finished).map(j -> j.id).findFirst().orElse(null);
                if (oldest == null) {
                    break;
                }
                nas.jobs.remove(oldest);
            }
            events.publishJob(job, "ADDED");
            if (nas.runningLocks.contains(lockName)) {
                waiting.addLast(job);
            } else {
                startJob(job);
            }
            return LongNode.valueOf(job.id);
        }
    }

    private void startJob(JobRecord job) {
        nas.runningLocks.add(job.lock);
        job.state = "RUNNING";
        events.publishJob(job, "CHANGED");
        nas.workers.execute(() -> runJob(job));
    }

    private void runJob(JobRecord job) {
        JobContext ctx = new JobContext(job);
        try {
            JsonNode result = job.body.run(ctx);
            finishJob(job, result == null ? NullNode.instance : result, null);
        } catch (JobCancelled e) {
            return;
        } catch (MiddlewareError e) {
            finishJob(job, null, e);
        } catch (RuntimeException e) {
            finishJob(job, null, new MiddlewareError.Other(e.getClass().getSimpleName(), String.valueOf(e.getMessage())));
        }
        synchronized (nas.lock) {
            if (job.generation != nas.generation) {
                return;
            }
            nas.runningLocks.remove(job.lock);
            Deque<JobRecord> waiting = nas.waitingByLock.get(job.lock);
            JobRecord next = waiting == null ? null : waiting.pollFirst();
            if (next != null) {
                startJob(next);
            }
            nas.lock.notifyAll();
        }
    }

    private void finishJob(JobRecord job, JsonNode result, MiddlewareError error) {
        synchronized (nas.lock) {
            if (job.generation != nas.generation || job.aborted) {
                return;
            }
            job.timeFinished = System.currentTimeMillis();
            if (job.logs != null) {
                job.logsExcerpt = JobRecord.excerpt(job.logs.toString());
            }
            if (error == null) {
                job.state = "SUCCESS";
                job.percent = 100;
                job.result = result;
            } else {
                job.state = "FAILED";
                job.error = error.str();
                job.exception = error.formatted(job.method);
                ObjectNode exc = Json.object();
                exc.put("repr", error.repr());
                if (error instanceof MiddlewareError.Validation v) {
                    exc.put("type", "VALIDATION");
                    if (v.errno() == null) {
                        exc.putNull("errno");
                    } else {
                        exc.put("errno", v.errno());
                    }
                    exc.set("extra", v.extra());
                } else if (error instanceof MiddlewareError.Call c) {
                    exc.put("type", "CallError");
                    exc.put("errno", c.errno);
                    if (c.extra == null) {
                        exc.putNull("extra");
                    } else {
                        exc.set("extra", c.extra);
                    }
                } else {
                    exc.put("type", error.className());
                    exc.putNull("errno");
                    exc.putNull("extra");
                }
                job.excInfo = exc;
            }
            events.publishJob(job, "CHANGED");
        }
    }

    private JsonNode getJobs(JsonNode filters, JsonNode queryOptions) {
        List<ObjectNode> rows = new ArrayList<>();
        synchronized (nas.lock) {
            nas.jobs.values().forEach(j -> rows.add(j.encode()));
        }
        return Query.apply(rows, filters, queryOptions);
    }

    private JsonNode jobAbort(JsonNode idNode) {
        if (idNode == null || !idNode.isIntegralNumber()) {
            throw MiddlewareError.Validation.of("id", idNode == null ? "Field required" : "Input should be a valid integer");
        }
        synchronized (nas.lock) {
            JobRecord job = nas.jobs.get(idNode.asLong());
            if (job == null) {
                throw new MiddlewareError.Other("KeyError", idNode.asText());
            }
            if (job.finished()) {
                return NullNode.instance;
            }
            Deque<JobRecord> waiting = nas.waitingByLock.get(job.lock);
            boolean wasWaiting = waiting != null && waiting.remove(job);
            job.aborted = true;
            job.state = "ABORTED";
            job.timeFinished = System.currentTimeMillis();
            events.publishJob(job, "CHANGED");
            if (!wasWaiting) {
                // A thread-based app job is only marked ABORTED: its compose work goes on to the end.
                return NullNode.instance;
            }
        }
        return NullNode.instance;
    }

    JobRecord awaitJob(JobContext ctx, long id) {
        synchronized (nas.lock) {
            while (true) {
                ctx.alive();
                JobRecord job = nas.jobs.get(id);
                if (job == null || job.finished()) {
                    return job;
                }
                try {
                    nas.lock.wait(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return job;
                }
            }
        }
    }

    long jobCount() {
        synchronized (nas.lock) {
            return nas.jobs.size();
        }
    }
}
