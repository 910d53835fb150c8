package io.truenasgitops.compose;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** TEMPORARY stand-in until branch compose is merged (replaced by theirs). */
public record ComposeDiff(List<Change> changes, String unified) {
    public record Change(String path, Object from, Object to) {}

    public boolean isEmpty() {
        return changes.isEmpty();
    }

    public static ComposeDiff between(Map<String, Object> from, Map<String, Object> to, SecretMasker masker) {
        Map<String, Object> a = from == null ? Map.of() : ComposeNormalizer.normalize(Stamps.strip(from));
        Map<String, Object> b = to == null ? Map.of() : ComposeNormalizer.normalize(Stamps.strip(to));
        List<Change> changes = new ArrayList<>();
        StringBuilder u = new StringBuilder();
        java.util.TreeSet<String> keys = new java.util.TreeSet<>(a.keySet());
        keys.addAll(b.keySet());
        for (String k : keys) {
            if (!Objects.equals(a.get(k), b.get(k))) {
                changes.add(new Change(k, a.get(k), b.get(k)));
                if (a.containsKey(k)) u.append("- ").append(k).append(": ").append(masker.mask(String.valueOf(a.get(k)))).append('\n');
                if (b.containsKey(k)) u.append("+ ").append(k).append(": ").append(masker.mask(String.valueOf(b.get(k)))).append('\n');
            }
        }
        return new ComposeDiff(changes, u.toString());
    }
}
