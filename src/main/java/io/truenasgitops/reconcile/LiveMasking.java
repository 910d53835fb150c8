package io.truenasgitops.reconcile;

import io.truenasgitops.compose.SecretMasker;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Hides secret values on the live side of a diff. The masker knows only the current secret values, so after a
 * secret is rotated the NAS still holds the old one, which no masker would catch. Wherever the desired value at a
 * path carries a secret and the live value there differs, the live value is shown as {@code ***} too. Pure.
 */
final class LiveMasking {

    static final String MASK = "***";

    private LiveMasking() {}

    /** A copy of {@code live} safe to show next to {@code desired}; {@code live} itself is untouched. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> maskLive(Map<String, Object> live, Map<String, Object> desired, SecretMasker masker) {
        if (live == null || desired == null || masker == null || masker == SecretMasker.NONE) {
            return live;
        }
        return (Map<String, Object>) walk(live, desired, masker);
    }

    private static Object walk(Object live, Object desired, SecretMasker masker) {
        if (live instanceof Map<?, ?> lm && desired instanceof Map<?, ?> dm) {
            Map<String, Object> out = new LinkedHashMap<>();
            lm.forEach((k, v) -> out.put(String.valueOf(k), dm.containsKey(k) ? walk(v, dm.get(k), masker) : v));
            return out;
        }
        if (live instanceof List<?> ll && desired instanceof List<?> dl) {
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < ll.size(); i++) {
                out.add(i < dl.size() ? walk(ll.get(i), dl.get(i), masker) : ll.get(i));
            }
            return out;
        }
        if (desired instanceof String s && !Objects.equals(masker.mask(s), s) && !Objects.equals(live, desired)) {
            return MASK;
        }
        return live;
    }
}
