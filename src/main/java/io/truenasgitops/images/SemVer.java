package io.truenasgitops.images;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A version read from an image tag, the way registries' users write them: an optional {@code v}, one to three
 * numbers ({@code 1.25} is 1.25.0), an optional pre-release after {@code -} and build metadata after {@code +}
 * (ignored when comparing). Ordered by Semantic Versioning 2.0.0: numbers, then a release above any of its
 * pre-releases, pre-release identifiers compared numerically when both are numbers, as text otherwise.
 *
 * @param major the first number
 * @param minor the second number (0 when the tag has one)
 * @param patch the third number (0 when the tag has fewer)
 * @param preRelease the dot-separated pre-release identifiers, empty for a release
 * @param parts how many numbers the tag wrote (1 to 3): among equal versions the more precise tag is preferred
 */
public record SemVer(long major, long minor, long patch, List<String> preRelease, int parts)
        implements Comparable<SemVer> {

    private static final Pattern FORM = Pattern.compile(
            "[vV]?(0|[1-9][0-9]{0,17})(?:\\.(0|[1-9][0-9]{0,17}))?(?:\\.(0|[1-9][0-9]{0,17}))?"
            + "(?:-([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?(?:\\+[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?");

    public SemVer {
        preRelease = List.copyOf(preRelease);
    }

    /** A release version with all three numbers. */
    public static SemVer of(long major, long minor, long patch) {
        return new SemVer(major, minor, patch, List.of(), 3);
    }

    /** The version a tag spells, or empty when the tag is not a version ({@code latest}, {@code 1.2.3.4}, {@code 01}). */
    public static Optional<SemVer> parse(String tag) {
        Matcher m = FORM.matcher(tag);
        if (!m.matches()) {
            return Optional.empty();
        }
        int parts = m.group(3) != null ? 3 : m.group(2) != null ? 2 : 1;
        List<String> pre = m.group(4) == null ? List.of() : List.of(m.group(4).split("\\."));
        return Optional.of(new SemVer(Long.parseLong(m.group(1)), m.group(2) == null ? 0 : Long.parseLong(m.group(2)),
                m.group(3) == null ? 0 : Long.parseLong(m.group(3)), pre, parts));
    }

    /** Whether this is a pre-release ({@code 2.0.0-rc.1}). */
    public boolean isPreRelease() {
        return !preRelease.isEmpty();
    }

    /** The same numbers without the pre-release. */
    public SemVer release() {
        return new SemVer(major, minor, patch, List.of(), 3);
    }

    /** Whether both have the same three numbers (pre-releases aside). */
    public boolean sameNumbers(SemVer other) {
        return major == other.major && minor == other.minor && patch == other.patch;
    }

    @Override
    public int compareTo(SemVer o) {
        int c = Long.compare(major, o.major);
        if (c == 0) {
            c = Long.compare(minor, o.minor);
        }
        if (c == 0) {
            c = Long.compare(patch, o.patch);
        }
        if (c != 0) {
            return c;
        }
        if (preRelease.isEmpty() || o.preRelease.isEmpty()) {
            return Boolean.compare(preRelease.isEmpty(), o.preRelease.isEmpty());
        }
        for (int i = 0; i < Math.min(preRelease.size(), o.preRelease.size()); i++) {
            c = compareIdentifier(preRelease.get(i), o.preRelease.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(preRelease.size(), o.preRelease.size());
    }

    private static int compareIdentifier(String a, String b) {
        boolean an = a.chars().allMatch(Character::isDigit);
        boolean bn = b.chars().allMatch(Character::isDigit);
        if (an && bn) {
            return a.length() != b.length() ? Integer.compare(a.length(), b.length()) : a.compareTo(b);
        }
        if (an != bn) {
            return an ? -1 : 1; // numeric identifiers sort below alphanumeric ones
        }
        return a.compareTo(b);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch + (preRelease.isEmpty() ? "" : "-" + String.join(".", preRelease));
    }
}
