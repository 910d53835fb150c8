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
}
