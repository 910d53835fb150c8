package io.truenasgitops.reconcile;

import io.truenasgitops.compose.SecretMasker;
import io.truenasgitops.compose.SourceMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Hides secret values on the live side of a diff. The masker knows only the current secret values, so after a
 * secret is rotated the NAS still holds the old one, which no masker would catch. Two rules follow the values,
 * not the keys or positions of today's compose: every place where the applied compose held a secret (recorded at
 * apply time as {@link #secretPaths}, so a renamed variable or an item inserted before it does not matter), and
 * wherever the desired value at a path carries a secret and the live value there differs, the live value is
 * shown as {@code ***}. Pure.
 */
final class LiveMasking {

    static final String MASK = "***";

    private LiveMasking() {}

    /** A copy of {@code live} safe to show next to {@code desired}; {@code live} itself is untouched. */
    static Map<String, Object> maskLive(Map<String, Object> live, Map<String, Object> desired, SecretMasker masker) {
        return maskLive(live, desired, masker, List.of());
    }

    /**
     * A copy of {@code live} safe to show next to {@code desired}, also masking every place where the compose
     * applied last held a secret.
     *
     * @param appliedSecretPaths {@link #secretPaths} of the compose applied last (from the inventory)
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> maskLive(Map<String, Object> live, Map<String, Object> desired, SecretMasker masker,
            List<String> appliedSecretPaths) {
        if (live == null) {
            return null;
        }
        boolean byDesired = desired != null && masker != null && masker != SecretMasker.NONE;
        Set<String> applied = appliedSecretPaths == null ? Set.of() : Set.copyOf(appliedSecretPaths);
        if (!byDesired && applied.isEmpty()) {
            return live;
        }
        return (Map<String, Object>) walk(live, byDesired ? desired : null, masker, "", applied);
    }

    /**
     * Where {@code compose} holds a value carrying a secret: the paths of its string leaves that the masker
     * changes (the values themselves are never kept).
     */
    static List<String> secretPaths(Map<String, Object> compose, SecretMasker masker) {
        if (compose == null || masker == null || masker == SecretMasker.NONE) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        collect(compose, "", masker, out);
        return List.copyOf(out);
    }

    private static void collect(Object node, String path, SecretMasker masker, List<String> out) {
        if (node instanceof Map<?, ?> m) {
            m.forEach((k, v) -> collect(v, SourceMap.child(path, String.valueOf(k)), masker, out));
        } else if (node instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                collect(l.get(i), SourceMap.index(path, i), masker, out);
            }
        } else if (node instanceof String s && !Objects.equals(masker.mask(s), s)) {
            out.add(path);
        }
    }

    private static Object walk(Object live, Object desired, SecretMasker masker, String path, Set<String> applied) {
        if (live instanceof Map<?, ?> lm) {
            Map<String, Object> out = new LinkedHashMap<>();
            Map<?, ?> dm = desired instanceof Map<?, ?> d ? d : Map.of();
            lm.forEach((k, v) -> out.put(String.valueOf(k), walk(v, dm.get(k), masker,
                    SourceMap.child(path, String.valueOf(k)), applied)));
            return out;
        }
        if (live instanceof List<?> ll) {
            List<?> dl = desired instanceof List<?> d ? d : List.of();
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < ll.size(); i++) {
                out.add(walk(ll.get(i), i < dl.size() ? dl.get(i) : null, masker, SourceMap.index(path, i), applied));
            }
            return out;
        }
        if (live != null && applied.contains(path)) {
            return MASK;
        }
        if (desired instanceof String s && !Objects.equals(masker.mask(s), s) && !Objects.equals(live, desired)) {
            return MASK;
        }
        return live;
    }
}
