package io.truenasgitops.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The NAS's image-update cache ({@code app.image.op} of {@code plugins/apps_images/update_alerts.py}) and what it
 * changes in the API: {@code app.query}'s {@code image_updates_available} (and {@code upgrade_available} of a custom
 * app), {@code app.outdated_docker_images}, and the flags {@code app.pull_images} clears. Identical in 24.10, 25.04
 * and 25.10.
 *
 * <p>On a NAS the cache is filled by a daily check that asks each image's registry whether the digest of its tag
 * moved. The emulator reaches no registry: a test (or the {@code emulator --image-update} option) says which tags
 * have a newer image with {@link #markUpdated} or {@link #markAppUpdated}. As on the NAS, a digest reference
 * ({@code image@sha256:...}) is never flagged: the check only walks image tags. Thread-safe.
 */
public final class ImageUpdates {

    private static final String DEFAULT_REGISTRY = "registry-1.docker.io";
    private static final Pattern DIGEST = Pattern.compile("[a-z0-9]+(?:[.+_-])*:[a-zA-Z0-9=_-]+");

    /** Normalised references ({@link #completeTag}) whose tag has a newer image upstream. */
    private final Set<String> outdated = ConcurrentHashMap.newKeySet();
    private volatile Function<String, List<String>> runningImages = name -> List.of();

    ImageUpdates() {}

    // ---------------------------------------------------------------- control API

    /**
     * The registry has a newer image under this reference's tag and the NAS's check has seen it: every app running
     * it reports {@code image_updates_available} until {@code app.pull_images} pulls it. A digest reference is
     * ignored (the NAS never checks those).
     *
     * @param reference as a compose file writes it: {@code nginx:1.25}, {@code ghcr.io/org/app}, ...
     * @return whether the reference was marked (false for a digest reference)
     */
    public boolean markUpdated(String reference) {
        String key = completeTag(reference);
        if (key.contains("@")) {
            return false;
        }
        outdated.add(key);
        return true;
    }

    /**
     * {@link #markUpdated} for every image app {@code name} is running now (those of its containers).
     *
     * @return the images marked, in the app's order; digest references are left out
     * @throws IllegalArgumentException when the app does not exist or runs no container (a STOPPED app has none)
     */
    public List<String> markAppUpdated(String name) {
        List<String> images = runningImages.apply(name);
        if (images == null) {
            throw new IllegalArgumentException("emulator: no app named '" + name + "'");
        }
        if (images.isEmpty()) {
            throw new IllegalArgumentException("emulator: app '" + name + "' runs no container (stopped?); a NAS"
                    + " reports image updates only for the images of running containers");
        }
        List<String> marked = new ArrayList<>();
        for (String image : images) {
            if (markUpdated(image)) {
                marked.add(image);
            }
        }
        return marked;
    }

    /** Whether the image under this reference is flagged as outdated. */
    public boolean isOutdated(String reference) {
        return outdated.contains(completeTag(reference));
    }

    /** Forgets every flag (as a middleware restart does on a NAS, until the next check). */
    public void clear() {
        outdated.clear();
    }

    // ---------------------------------------------------------------- middleware side

    /** {@code clear_update_flag_for_tag} for each image an app was running, after a successful pull. */
    void pulled(Collection<String> images) {
        images.forEach(i -> outdated.remove(completeTag(i)));
    }

    /**
     * Wraps the middleware's {@code app.query} and {@code app.get_instance} so that their entries carry the flags,
     * and adds {@code app.outdated_docker_images}.
     *
     * @param def registers a method (authenticated, as the real ones are)
     * @param existing the handler already registered under a name
     * @param runningImages the images of an app's containers now, or null when there is no such app
     */
    void register(BiConsumer<String, MethodRegistry.Handler> def, Function<String, MethodRegistry.Handler> existing,
            Function<String, List<String>> runningImages) {
        this.runningImages = runningImages;
        MethodRegistry.Handler query = existing.apply("app.query");
        MethodRegistry.Handler getInstance = existing.apply("app.get_instance");
        def.accept("app.query", (s, p) -> query(query, s, p));
        def.accept("app.get_instance", (s, p) -> decorate(getInstance.call(s, p)));
        def.accept("app.outdated_docker_images", (s, p) -> outdatedDockerImages(getInstance, s, p));
    }

    /**
     * Asks the wrapped {@code app.query} for every entry (so that filters on the flags see them), adds the flags,
     * then filters and shapes as asked. Argument errors come from the wrapped method itself.
     */
    private JsonNode query(MethodRegistry.Handler query, Session s, ArrayNode p) {
        JsonNode filters = p.size() > 0 ? p.get(0) : null;
        JsonNode options = p.size() > 1 ? p.get(1) : null;
        boolean validFilters = filters == null || filters.isNull() || filters.isArray();
        boolean validOptions = options == null || options.isNull() || options.isObject();
        if (!validFilters || !validOptions || p.size() > 2) {
            return query.call(s, p);
        }
        ArrayNode all = Json.array();
        all.addArray();
        ObjectNode plain = all.addObject();
        if (options != null && options.has("extra")) {
            plain.set("extra", options.get("extra"));
        }
        List<ObjectNode> rows = new ArrayList<>();
        for (JsonNode row : query.call(s, all)) {
            rows.add((ObjectNode) decorate(row));
        }
        return Query.apply(rows, filters, options);
    }

    /** {@code list_apps}: the flag from the running images; a custom app with updates has an upgrade available. */
    private JsonNode decorate(JsonNode entry) {
        if (!(entry instanceof ObjectNode e)) {
            return entry;
        }
        boolean available = false;
        for (JsonNode image : e.path("active_workloads").path("images")) {
            available |= isOutdated(image.asText());
        }
        e.put("image_updates_available", available);
        if (available && e.path("custom_app").asBoolean(false)) {
            e.put("upgrade_available", true);
        }
        return e;
    }

    /** {@code app.outdated_docker_images(app_name)}: the running images whose tag is flagged. */
    private JsonNode outdatedDockerImages(MethodRegistry.Handler getInstance, Session s, ArrayNode p) {
        JsonNode name = p.size() > 0 ? p.get(0) : null;
        if (p.size() > 1) {
            throw MiddlewareError.Validation.of(null, "Too many arguments (expected 1, found " + p.size() + ")");
        }
        if (name == null) {
            throw MiddlewareError.Validation.of("app_name", "Field required");
        }
        if (!name.isTextual()) {
            throw MiddlewareError.Validation.of("app_name", "Input should be a valid string");
        }
        if (name.asText().isEmpty()) {
            throw MiddlewareError.Validation.of("app_name", "String should have at least 1 character");
        }
        JsonNode entry = getInstance.call(s, Json.array().add(name.asText()));
        ArrayNode out = Json.array();
        for (JsonNode image : entry.path("active_workloads").path("images")) {
            if (isOutdated(image.asText())) {
                out.add(image.asText());
            }
        }
        return out;
    }

    /**
     * {@code normalize_reference(reference)['complete_tag']} of {@code plugins/apps_images/utils.py}: registry,
     * repository and tag made explicit ({@code nginx} → {@code registry-1.docker.io/library/nginx:latest}), a digest
     * kept as {@code image@digest}.
     */
    static String completeTag(String reference) {
        String ref = reference.startsWith("docker.io/") ? reference.substring("docker.io/".length()) : reference;
        int slash = ref.indexOf('/');
        String registry;
        String tagged;
        if (slash == -1 || (!ref.substring(0, slash).contains(".") && !ref.substring(0, slash).contains(":")
                && !ref.substring(0, slash).equals("localhost"))) {
            registry = DEFAULT_REGISTRY;
            tagged = ref;
        } else {
            registry = ref.substring(0, slash);
            tagged = ref.substring(slash + 1);
        }
        if (!tagged.contains("/")) {
            tagged = "library/" + tagged;
        }
        if (!tagged.contains(":")) {
            tagged += ":latest";
        }
        if (tagged.contains("@")) {
            Matcher m = DIGEST.matcher(tagged);
            String digest = null;
            while (m.find()) {
                digest = m.group();
            }
            if (digest == null) {
                return registry + "/" + tagged;
            }
            String image = tagged.substring(0, tagged.indexOf(digest) - 1);
            int colon = image.lastIndexOf(':');
            image = colon < 0 ? image : image.substring(0, colon);
            return registry + "/" + image + "@" + digest;
        }
        int colon = tagged.lastIndexOf(':');
        return registry + "/" + tagged.substring(0, colon) + ":" + tagged.substring(colon + 1);
    }
}
