package io.truenasgitops.web;

import io.truenasgitops.app.DaemonTestResource;
import java.util.Map;

/** Shared steps of the status page tests. */
final class BrowserFixtures {

    private BrowserFixtures() {}

    /**
     * Changes the image of the emulated {@code web} app as an edit in the TrueNAS UI would: config drift.
     *
     * @return the app's compose after the edit
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> driftWebImage(String image) {
        Map<String, Object> live = deepCopy(DaemonTestResource.emulator.apps().get("web").orElseThrow().compose());
        Map<String, Object> services = (Map<String, Object>) live.get("services");
        ((Map<String, Object>) services.get("web")).put("image", image);
        DaemonTestResource.emulator.apps().uiEdit("web", live);
        return live;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> deepCopy(Map<String, Object> in) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        in.forEach((k, v) -> out.put(k, v instanceof Map<?, ?> m ? deepCopy((Map<String, Object>) m)
                : v instanceof java.util.List<?> l ? new java.util.ArrayList<>(l) : v));
        return out;
    }
}
