package io.truenasgitops.compose;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Hides secret values in anything meant for people (diffs, plans, logs, problems): every occurrence of a value
 * that came from the secrets directory, also inside longer strings ({@code postgres://u:SECRET@db}), becomes
 * {@value #MASK}.
 */
public interface SecretMasker {

    /** What a secret looks like once masked. */
    String MASK = "***";

    /** Masks nothing: for stacks without secrets. */
    SecretMasker NONE = new SecretMasker() {
        @Override
        public String mask(String text) {
            return text;
        }

        @Override
        public Object maskTree(Object tree) {
            return tree;
        }
    };

    /** {@code text} with every secret value replaced by {@value #MASK}; null stays null. */
    String mask(String text);

    /** A copy of a YAML/JSON tree (maps, lists, scalars) with every string masked; keys too. */
    Object maskTree(Object tree);

    /** A masker for these secret values (empty ones are ignored: they cannot be told apart from nothing). */
    static SecretMasker of(Collection<String> secrets) {
        Set<String> variants = new LinkedHashSet<>();
        for (String s : secrets) {
            if (s == null || s.isEmpty()) {
                continue;
            }
            variants.add(s);
            // The same value as it appears once escaped in JSON or double-quoted YAML output.
            variants.add(jsonEscaped(s));
            // As sent to TrueNAS, where a literal '$' is written '$$'.
            variants.add(s.replace("$", "$$"));
            String trimmed = s.strip();
            if (!trimmed.isEmpty()) {
                variants.add(trimmed);
            }
        }
        if (variants.isEmpty()) {
            return NONE;
        }
        List<String> ordered = new ArrayList<>(variants);
        // Longest first, so a secret containing another one is masked whole.
        ordered.sort(Comparator.comparingInt(String::length).reversed());
        return new Values(List.copyOf(ordered));
    }

    /** Combines two maskers. */
    default SecretMasker and(SecretMasker other) {
        if (other == NONE) {
            return this;
        }
        if (this == NONE) {
            return other;
        }
        SecretMasker self = this;
        return new SecretMasker() {
            @Override
            public String mask(String text) {
                return other.mask(self.mask(text));
            }

            @Override
            public Object maskTree(Object tree) {
                return other.maskTree(self.maskTree(tree));
            }
        };
    }

    private static String jsonEscaped(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** Masks a fixed list of values. */
    final class Values implements SecretMasker {
        private final List<String> values;

        private Values(List<String> values) {
            this.values = values;
        }

        @Override
        public String mask(String text) {
            if (text == null) {
                return null;
            }
            String result = text;
            for (String v : values) {
                if (result.contains(v)) {
                    result = result.replace(v, MASK);
                }
            }
            return result;
        }

        @Override
        public Object maskTree(Object tree) {
            if (tree instanceof String s) {
                return mask(s);
            }
            if (tree instanceof Map<?, ?> map) {
                Map<String, Object> copy = map instanceof java.util.SortedMap<?, ?>
                        ? new java.util.TreeMap<>() : new LinkedHashMap<>();
                map.forEach((k, v) -> copy.put(mask(String.valueOf(k)), maskTree(v)));
                return copy;
            }
            if (tree instanceof List<?> list) {
                List<Object> copy = new ArrayList<>(list.size());
                list.forEach(v -> copy.add(maskTree(v)));
                return copy;
            }
            if (tree instanceof Number || tree instanceof Boolean) {
                // A secret "5432" interpolated into a port became a number: still a secret.
                String s = String.valueOf(tree);
                return values.contains(s) ? MASK : tree;
            }
            return tree;
        }
    }
}
