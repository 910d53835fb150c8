package io.truenasgitops.truenas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@link JobsApi} over {@code core.get_jobs} and the client's job tracking. */
final class JobsApiClient implements JobsApi {
    private final MiddlewareClient client;

    JobsApiClient(MiddlewareClient client) {
        this.client = client;
    }

    @Override
    public List<Job> list(JsonNode filters) {
        JsonNode rows = client.invoke("failed to list jobs", "core.get_jobs",
                List.of(filters == null ? Json.MAPPER.createArrayNode() : filters), null);
        List<Job> jobs = new ArrayList<>();
        rows.forEach(row -> jobs.add(Job.fromWire(row)));
        return jobs;
    }

    @Override
    public Optional<Job> get(long id) {
        ArrayNode filters = Json.MAPPER.createArrayNode();
        filters.addArray().add("id").add("=").add(id);
        JsonNode rows = client.invoke("failed to get job " + id, "core.get_jobs", List.of(filters), null);
        return rows == null || rows.isEmpty() ? Optional.empty() : Optional.of(Job.fromWire(rows.get(0)));
    }

    @Override
    public Job await(long id, JobListener listener, Duration timeout) {
        return client.awaitJob(id, null, null, "job " + id, listener, timeout);
    }
}
