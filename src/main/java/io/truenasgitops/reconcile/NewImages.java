package io.truenasgitops.reconcile;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The image references an apply brings to an app: those of the desired compose that the app's compose on the NAS
 * does not have. The executor pulls each of them before it sends {@code app.update} or {@code app.create}, so that a
 * tag the registry does not have stops the apply before the NAS takes the running app down. Pure.
 */
final class NewImages {
    private NewImages() {}

    /**
     * The {@code image:} of each service of {@code desired} that no service of {@code live} names, in service order,
     * each once. A service with {@code pull_policy: never} or {@code build} is left out: its image is not pulled.
     *
     * @param live the app's compose on the NAS; empty for an app that does not exist yet
     */
    static List<String> of(Map<String, Object> desired, Map<String, Object> live) {
        Set<String> running = new LinkedHashSet<>(images(live));
        List<String> out = new ArrayList<>();
        for (String image : images(desired)) {
            if (!running.contains(image) && !out.contains(image)) {
                out.add(image);
            }
        }
        return out;
    }

    private static List<String> images(Map<String, Object> compose) {
        List<String> out = new ArrayList<>();
        if (compose == null || !(compose.get("services") instanceof Map<?, ?> services)) {
            return out;
        }
        for (Object service : services.values()) {
            if (service instanceof Map<?, ?> def && def.get("image") instanceof String image && !image.isBlank()
                    && !"never".equals(def.get("pull_policy")) && !"build".equals(def.get("pull_policy"))) {
                out.add(image.strip());
            }
        }
        return out;
    }
}
