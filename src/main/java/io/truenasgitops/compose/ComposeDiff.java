package io.truenasgitops.compose;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The semantic difference between two composes: a list of changes by path and a unified YAML diff for people.
 * Both sides are normalised and stripped of the stamp first, so spelling differences and a new revision alone
 * make no difference. Secret values are masked in both.
 *
 * @param changes what differs, in path order
 * @param unified a unified diff ({@code --- live} / {@code +++ desired}) of the canonical YAML, empty when equal
 */
public record ComposeDiff(List<Change> changes, String unified) {

    /** Lines of context around each change in {@link #unified}. */
    public static final int CONTEXT = 3;

    public ComposeDiff {
        changes = List.copyOf(changes);
    }

    /** True when the two composes are semantically equal. */
    public boolean isEmpty() {
        return changes.isEmpty();
    }

    /** The difference from {@code from} (live) to {@code to} (desired). */
    public static ComposeDiff between(Map<String, Object> from, Map<String, Object> to, SecretMasker masker) {
        return between(from, to, masker, "live", "desired");
    }

    /** The same, with the names shown in the unified diff header. */
    public static ComposeDiff between(Map<String, Object> from, Map<String, Object> to, SecretMasker masker,
            String fromLabel, String toLabel) {
        SecretMasker m = masker == null ? SecretMasker.NONE : masker;
        // Compare the real values (a rotated secret is a change), show only masked ones.
        Map<String, Object> a = ComposeNormalizer.normalize(Stamps.strip(from == null ? Map.of() : from));
        Map<String, Object> b = ComposeNormalizer.normalize(Stamps.strip(to == null ? Map.of() : to));
        List<Change> raw = new ArrayList<>();
        compare("", a, b, raw);
        if (raw.isEmpty()) {
            return new ComposeDiff(List.of(), "");
        }
        List<Change> changes = new ArrayList<>();
        List<String> hidden = new ArrayList<>();
        for (Change c : raw) {
            Object f = m.maskTree(c.from());
            Object t = m.maskTree(c.to());
            if (c.kind() == Change.Kind.CHANGED && Objects.equals(f, t)) {
                hidden.add(c.path());
            }
            changes.add(new Change(c.kind(), m.mask(c.path()), f, t));
        }
        StringBuilder unified = new StringBuilder(UnifiedDiff.of(from == null ? "" : ComposeYaml.dump(m.maskTree(a)),
                ComposeYaml.dump(m.maskTree(b)), fromLabel, toLabel, CONTEXT));
        for (String path : hidden) {
            unified.append("# secret value changed (masked): ").append(m.mask(path)).append('\n');
        }
        return new ComposeDiff(changes, unified.toString());
    }

    private static void compare(String path, Object a, Object b, List<Change> out) {
        if (Objects.equals(a, b)) {
            return;
        }
        if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
            TreeSet<String> keys = new TreeSet<>();
            ma.keySet().forEach(k -> keys.add(String.valueOf(k)));
            mb.keySet().forEach(k -> keys.add(String.valueOf(k)));
            for (String k : keys) {
                String p = SourceMap.child(path, k);
                boolean inA = ma.containsKey(k);
                boolean inB = mb.containsKey(k);
                if (inA && !inB) {
                    out.add(new Change(Change.Kind.REMOVED, p, ma.get(k), null));
                } else if (!inA) {
                    out.add(new Change(Change.Kind.ADDED, p, null, mb.get(k)));
                } else {
                    compare(p, ma.get(k), mb.get(k), out);
                }
            }
            return;
        }
        if (a instanceof List<?> la && b instanceof List<?> lb) {
            int common = Math.min(la.size(), lb.size());
            for (int i = 0; i < common; i++) {
                compare(SourceMap.index(path, i), la.get(i), lb.get(i), out);
            }
            for (int i = common; i < la.size(); i++) {
                out.add(new Change(Change.Kind.REMOVED, SourceMap.index(path, i), la.get(i), null));
            }
            for (int i = common; i < lb.size(); i++) {
                out.add(new Change(Change.Kind.ADDED, SourceMap.index(path, i), null, lb.get(i)));
            }
            return;
        }
        out.add(new Change(Change.Kind.CHANGED, path, a, b));
    }
}
