package io.truenasgitops.truenas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
    public record Container(String id, String serviceName, String image, String state) {
        /** Parses a {@code container_details[]} entry or an {@code app.container_ids} value. */
        public static Container fromWire(JsonNode node) {
            return new Container(node.path("id").asText(null), node.path("service_name").asText(null),
                    node.path("image").asText(null), node.path("state").asText(null));
        }
    }

    /**
     * {@code image_updates_available}: TrueNAS's image check found a newer image under the tag of one of the images
     * the app runs (never for digest references, always false for a STOPPED app). Which ones:
     * {@link AppsApi#outdatedImages}. False when the entry does not say.
     */
    public boolean imageUpdatesAvailable() {
        return raw != null && raw.path("image_updates_available").asBoolean(false);
    }

    /**
     * {@code error_reason} of an app in {@code ERROR} (27.0: {@code METADATA_MISSING}, {@code METADATA_UNREADABLE}
     * or {@code METADATA_INCOMPLETE}), or null.
     */
    public String errorReason() {
        JsonNode r = raw == null ? null : raw.get("error_reason");
        return r == null || r.isNull() ? null : r.asText();
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Parses an {@code app.query} entry (also the result of {@code app.create/update/redeploy} jobs). */
    @SuppressWarnings("unchecked")
    public static App fromWire(JsonNode node) {
        JsonNode workloads = node.path("active_workloads");
        List<Container> containers = new ArrayList<>();
        for (JsonNode c : workloads.path("container_details")) {
            containers.add(Container.fromWire(c));
        }
        List<String> images = new ArrayList<>();
        for (JsonNode i : workloads.path("images")) {
            images.add(i.asText());
        }
        JsonNode config = node.get("config");
        Map<String, Object> configMap = config == null || !config.isObject()
                ? null
                : MAPPER.convertValue(config, LinkedHashMap.class);
        return new App(
                node.path("name").asText(),
                AppState.fromWire(node.path("state").asText(null)),
                node.path("custom_app").asBoolean(false),
                node.path("version").asText(null),
                List.copyOf(containers),
                List.copyOf(images),
                configMap,
                node);
    }
}
