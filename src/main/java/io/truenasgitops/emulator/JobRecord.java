package io.truenasgitops.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

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
    /** The job's log ({@code @job(logs=True)}, 26.0's app.create), or null for a job without one. */
    StringBuilder logs;
    /** {@code Job.__close_logs}: the log's first and last 10 lines, set when the job ends. */
    String logsExcerpt;
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
        if (logs == null) {
            j.putNull("logs_path");
        } else {
            j.put("logs_path", "/var/log/jobs/" + id + ".log");
        }
        putNullable(j, "logs_excerpt", logsExcerpt);
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

    /**
     * {@code job.py __close_logs}: up to 20 lines whole, else the first 10, {@code "... N more lines ...\n"} and
     * the last 10.
     */
    static String excerpt(String log) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        while (start < log.length()) {
            int nl = log.indexOf('\n', start);
            int end = nl < 0 ? log.length() : nl + 1;
            lines.add(log.substring(start, end));
            start = end;
        }
        if (lines.size() <= 20) {
            return String.join("", lines);
        }
        return String.join("", lines.subList(0, 10)) + "... " + (lines.size() - 20) + " more lines ...\n"
                + String.join("", lines.subList(lines.size() - 10, lines.size()));
    }

    private static void putNullable(ObjectNode j, String key, String value) {
        if (value == null) {
            j.putNull(key);
        } else {
            j.put(key, value);
        }
    }
}
