package io.truenasgitops.images;

import java.math.BigDecimal;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which tags of an image a stack accepts and which of them is the newest ({@code imagePolicy:} in stack.yaml).
 * A tag is eligible when it matches {@code pattern} (the whole tag; every tag when there is none); the value compared
 * is the pattern's group named {@code version} when it has one, else the tag. With a {@code semver} range the value
 * must be a version in the range and versions are ordered; without one, values are ordered by {@code order}.
 *
 * @param semver the range the version must be in, or null
 * @param pattern the tags considered, or null for all
 * @param order how values are ordered when there is no range
 */
public record ImagePolicy(SemVerRange semver, Pattern pattern, Order order) {

    /** How values are ordered without a semver range: the last one is the newest. */
    public enum Order {
        /** Text order, for tags such as {@code RELEASE.2024-05-01T12-00-00Z} or dates. */
        ALPHABETICAL,
        /** Number order, for build numbers ({@code 1040} after {@code 999}); values that are not numbers are skipped. */
        NUMERICAL,
        /** Semantic-version order (set by a {@code semver} range). */
        SEMVER
    }

    public ImagePolicy {
        if (semver != null) {
            order = Order.SEMVER;
        } else if (order == null || order == Order.SEMVER) {
            order = Order.ALPHABETICAL;
        }
    }

    /** The policy of a semver range alone. */
    public static ImagePolicy semver(String range) {
        return new ImagePolicy(SemVerRange.parse(range), null, Order.SEMVER);
    }

    /** What the policy compares for a tag, or empty when the tag is not eligible. */
    public Optional<Comparable<Object>> key(String tag) {
        String value = tag;
        if (pattern != null) {
            Matcher m = pattern.matcher(tag);
            if (!m.matches()) {
                return Optional.empty();
            }
            if (pattern.pattern().contains("(?<version>")) {
                value = m.group("version");
                if (value == null) {
                    return Optional.empty();
                }
            }
        }
        return switch (order) {
            case SEMVER -> SemVer.parse(value).filter(semver::contains).map(v -> cast(new Ranked(v, tag)));
            case NUMERICAL -> number(value).map(n -> cast(new Ranked(n, tag)));
            case ALPHABETICAL -> Optional.of(cast(new Ranked(value, tag)));
        };
    }

    /** Whether the tag is eligible. */
    public boolean allows(String tag) {
        return key(tag).isPresent();
    }

    private static Optional<BigDecimal> number(String value) {
        if (!value.matches("[0-9]+(\\.[0-9]+)?")) {
            return Optional.empty();
        }
        return Optional.of(new BigDecimal(value));
    }

    @SuppressWarnings("unchecked")
    private static Comparable<Object> cast(Ranked r) {
        return (Comparable<Object>) (Comparable<?>) r;
    }

    /**
     * A tag's place: by its value, then (between equal values such as {@code 1.27} and {@code 1.27.0}) the more
     * precise version, then the tag's text, so the choice never depends on the order the registry lists tags in.
     */
    private record Ranked(Comparable<?> value, String tag) implements Comparable<Ranked> {
        @SuppressWarnings({"unchecked", "rawtypes"})
        @Override
        public int compareTo(Ranked o) {
            int c = ((Comparable) value).compareTo(o.value);
            if (c == 0 && value instanceof SemVer a && o.value instanceof SemVer b) {
                c = Integer.compare(a.parts(), b.parts());
            }
            return c != 0 ? c : Comparator.<String>naturalOrder().compare(tag, o.tag);
        }
    }

    @Override
    public String toString() {
        String p = pattern == null ? "" : "pattern " + pattern.pattern();
        String s = semver != null ? "semver " + semver.text() : "order " + order.name().toLowerCase(java.util.Locale.ROOT);
        return p.isEmpty() ? s : p + ", " + s;
    }
}
