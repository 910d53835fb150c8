package io.truenasgitops.truenas;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * One app as {@code app.query} returns it.
 *
 * @param name the app name (also its id)
 * @param state the app state
 * @param customApp whether it is a custom (compose) app rather than a catalog app
 * @param version the app version ({@code 1.0.0} for custom apps)
 * @param containers the containers of its active workloads (empty when stopped)
 * @param images the images its workloads use
 * @param config the stored compose dict when queried with {@code retrieve_config}, otherwise null
 * @param raw the whole entry as received, for fields this record does not model
 */
public record App(
        String name,
        AppState state,
        boolean customApp,
        String version,
        List<Container> containers,
        List<String> images,
        Map<String, Object> config,
        JsonNode raw) {

    /** One container of an app's active workloads ({@code active_workloads.container_details[]}). */
    public record Container(String id, String serviceName, String image, String state) {}
}
