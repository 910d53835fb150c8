package io.truenasgitops.truenas;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A middleware job as {@code core.get_jobs} and its events describe it.
 *
 * @param id the job id (ephemeral: ids restart at 1 when the middleware restarts)
 * @param method the method that started it, e.g. {@code app.update}
 * @param state WAITING, RUNNING, SUCCESS, FAILED or ABORTED
 * @param progressPercent 0..100
 * @param progressDescription the latest progress text, or null
 * @param result the job result (SUCCESS only), or null
 * @param error {@code str(exception)} of a failed job, or null
 * @param excInfo the {@code exc_info} object of a failed job, or null
 * @param raw the whole job object as received
 */
public record Job(
        long id,
        String method,
        String state,
        int progressPercent,
        String progressDescription,
        JsonNode result,
        String error,
        JsonNode excInfo,
        JsonNode raw) {

    /** Whether the job has ended (SUCCESS, FAILED or ABORTED). */
    public boolean isFinished() {
        return "SUCCESS".equals(state) || "FAILED".equals(state) || "ABORTED".equals(state);
    }

    /** Parses a {@code core.get_jobs} row or event {@code fields}. */
    public static Job fromWire(JsonNode node) {
        JsonNode progress = node.path("progress");
        JsonNode result = node.get("result");
        JsonNode exc = node.get("exc_info");
        return new Job(
                node.path("id").asLong(),
                text(node, "method"),
                text(node, "state"),
                progress.path("percent").isNumber() ? (int) Math.round(progress.path("percent").asDouble()) : 0,
                text(progress, "description"),
                result == null || result.isNull() ? null : result,
                text(node, "error"),
                exc == null || exc.isNull() ? null : exc,
                node);
    }

    /** {@code time_started} in ms since the epoch (the wire's {@code {"$date": ms}}), or null. */
    public Long timeStartedMillis() {
        JsonNode started = raw == null ? null : raw.get("time_started");
        if (started == null || started.isNull()) {
            return null;
        }
        JsonNode date = started.get("$date");
        return date != null && date.isNumber() ? date.asLong() : null;
    }

    /**
     * {@code logs_excerpt}: the first and last lines of the job's log (jobs with logs; 26.0+ for
     * {@code app.create}, where a failed compose leaves the containers' output), or null when there is none.
     */
    public String logsExcerpt() {
        String logs = text(raw, "logs_excerpt");
        return logs == null || logs.isBlank() ? null : logs;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
