package io.truenasgitops.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** One middleware job ({@code job.py Job}); guarded by the middleware lock. */
final class JobRecord {
    /** The body of a job; runs on a worker thread and reports progress through the context. */
    @FunctionalInterface
    interface Body {
        JsonNode run(JobQueue.JobContext ctx);
    }

    final long id;
    final String method;
    final ArrayNode arguments;
    final String lock;
    final Body body;
    final Session owner;
    final ObjectNode credentials;
    final int generation;
    final long timeStarted = System.currentTimeMillis();
    String state = "WAITING";
    int percent;
    String description = "";
    JsonNode result;
    String error;
    String exception;
    ObjectNode excInfo;
    Long timeFinished;
    boolean aborted;
    /** 25.10 adds {@code message_ids} (the JSON-RPC ids of the calls that started or joined the job). */
    final boolean withMessageIds;

    JobRecord(long id, String method, ArrayNode arguments, String lock, Body body, Session owner,
            ObjectNode credentials, int generation, boolean withMessageIds) {
        this.withMessageIds = withMessageIds;
        this.id = id;
        this.method = method;
        this.arguments = arguments;
        this.lock = lock;
        this.body = body;
        this.owner = owner;
        this.credentials = credentials;
        this.generation = generation;
    }

    boolean finished() {
        return state.equals("SUCCESS") || state.equals("FAILED") || state.equals("ABORTED");
    }

    /** {@code Job.__encode__} of 25.04 (and 25.10 with {@code message_ids}). */
    ObjectNode encode() {
        ObjectNode j = Json.object();
        j.put("id", id);
        j.put("method", method);
        j.set("arguments", arguments.deepCopy());
        j.put("transient", false);
        j.putNull("description");
        j.put("abortable", false);
        j.putNull("logs_path");
        j.putNull("logs_excerpt");
        ObjectNode progress = j.putObject("progress");
        progress.put("percent", percent);
        progress.put("description", description);
        progress.putNull("extra");
        j.set("result", result == null ? null : result.deepCopy());
        if (result == null) {
            j.putNull("result");
        }
        j.putNull("result_encoding_error");
        putNullable(j, "error", error);
        putNullable(j, "exception", exception);
        if (excInfo == null) {
            j.putNull("exc_info");
        } else {
            j.set("exc_info", excInfo.deepCopy());
        }
        j.put("state", state);
        j.set("time_started", Json.date(timeStarted));
        if (timeFinished == null) {
            j.putNull("time_finished");
        } else {
            j.set("time_finished", Json.date(timeFinished));
        }
        if (credentials == null) {
            j.putNull("credentials");
        } else {
            j.set("credentials", credentials.deepCopy());
        }
        if (withMessageIds) {
            j.putArray("message_ids");
        }
        return j;
    }

    private static void putNullable(ObjectNode j, String key, String value) {
        if (value == null) {
            j.putNull(key);
        } else {
            j.put(key, value);
        }
    }
}
