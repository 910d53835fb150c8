package io.truenasgitops.truenas;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Middleware jobs: {@code core.get_jobs} and waiting for a job's end. */
public interface JobsApi {

    /** {@code core.get_jobs} with query filters (e.g. {@code [["state","=","RUNNING"]]}; null for all), newest last. */
    List<Job> list(JsonNode filters);

    /** {@code core.get_jobs [["id","=",id]]}; empty when the middleware does not know the id. */
    Optional<Job> get(long id);

    /**
     * Waits for the job's end by its events (with a {@code core.get_jobs} poll as a fallback and after every
     * reconnect). Returns the finished SUCCESS job; a FAILED or ABORTED job throws its typed error.
     */
    Job await(long id, JobListener listener, Duration timeout);
}
