package io.truenasgitops.reconcile;

import io.truenasgitops.compose.SecretMasker;
import io.truenasgitops.compose.SecretPaths;
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
 * not the keys or positions of today's compose: every place where the applied compose held a secret (its
 * {@link SecretPaths}, read from the app's stamp on the NAS, so any process planning sees them, and from the
 * inventory for apps stamped before stamps recorded them; a renamed variable or an item inserted before it does
 * not matter) is shown as {@code ***} unless it is equal to the desired value there (which the diff masks the
 * same way on both sides); and wherever the desired value at a path carries a secret and the live value there
 * differs, the live value is shown as {@code ***}. Pure.
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
     * @param appliedSecretPaths {@link #secretPaths} of the compose applied last (from its stamp and the inventory)
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
        return (Map<String, Object>) walk(live, desired, byDesired ? masker : SecretMasker.NONE, "", applied);
    }

    /** Where {@code compose} holds a value carrying a secret ({@link SecretPaths#of}). */
    static List<String> secretPaths(Map<String, Object> compose, SecretMasker masker) {
        return SecretPaths.of(compose, masker);
    }

    private static Object walk(Object live, Object desired, SecretMasker masker, String path, Set<String> applied) {
        if (live != null && applied.contains(path)) {
            // equal to what Git wants there: the diff shows no change, and masks it as it masks the desired side
            return Objects.equals(live, desired) ? live : MASK;
        }
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
        if (desired != null && !Objects.equals(masker.maskTree(desired), desired) && !Objects.equals(live, desired)) {
            return MASK;
        }
        return live;
    }
}
