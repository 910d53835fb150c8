package io.truenasgitops.compose;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where a compose holds values carrying a secret: paths such as {@code services.web.environment.TOKEN} or
 * {@code services.web.command[1]} (as {@link SourceMap#child} and {@link SourceMap#index} spell them), never the
 * values. A map whose keys carry a secret is named by its own path, so that no path ever contains a secret. The
 * stamp records them ({@link Stamp#secretPaths}) so that a later plan, in any process, can mask the values still
 * live on the NAS after the secrets were rotated or renamed. Pure.
 */
public final class SecretPaths {

    private SecretPaths() {}

    /** The paths of {@code compose} where {@code masker} hides something, in document order. */
    public static List<String> of(Map<String, Object> compose, SecretMasker masker) {
        if (compose == null || masker == null || masker == SecretMasker.NONE) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        collect(compose, "", masker, out);
        return List.copyOf(out);
    }

    private static void collect(Object node, String path, SecretMasker masker, List<String> out) {
        if (node instanceof Map<?, ?> m) {
            boolean secretKey = m.keySet().stream().map(String::valueOf).anyMatch(k -> !Objects.equals(masker.mask(k), k));
            if (secretKey && !path.isEmpty()) {
                out.add(path);
                return;
            }
            m.forEach((k, v) -> {
                String key = String.valueOf(k);
                if (Objects.equals(masker.mask(key), key)) {
                    collect(v, SourceMap.child(path, key), masker, out);
                }
            });
        } else if (node instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                collect(l.get(i), SourceMap.index(path, i), masker, out);
            }
        } else if (node != null && !Objects.equals(masker.maskTree(node), node)) {
            out.add(path);
        }
    }
}
