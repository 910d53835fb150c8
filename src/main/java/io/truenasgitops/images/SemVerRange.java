package io.truenasgitops.images;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A range of versions, written as npm and Helm users write them: comparators joined by spaces (all must hold),
 * alternatives joined by {@code ||}. A comparator is {@code =}, {@code !=}, {@code >}, {@code >=}, {@code <},
 * {@code <=}, {@code ~} (patch updates: {@code ~1.4.2} is {@code >=1.4.2 <1.5.0}), {@code ^} (no change to the first
 * non-zero number: {@code ^1.4} is {@code >=1.4.0 <2.0.0}, {@code ^0.3.1} is {@code >=0.3.1 <0.4.0}) or nothing
 * before a version; a version may leave numbers out or write {@code x} or {@code *} for them ({@code 1.4} and
 * {@code 1.4.x} both mean {@code >=1.4.0 <1.5.0}); {@code A - B} is {@code >=A <=B}. A pre-release satisfies a
 * range only when a comparator of its alternative names a pre-release of the same three numbers, so {@code ^1.4}
 * never picks {@code 2.0.0-rc.1} nor {@code 1.5.0-beta}.
 *
 * @param text the range as written
 * @param alternatives the {@code ||}-separated sets of comparators
 */
public record SemVerRange(String text, List<List<Comparator>> alternatives) {

    /** One bound. */
    public record Comparator(Op op, SemVer version) {
        boolean test(SemVer v) {
            int c = v.compareTo(version);
            return switch (op) {
                case EQ -> c == 0;
                case NE -> c != 0;
                case GT -> c > 0;
                case GE -> c >= 0;
                case LT -> c < 0;
                case LE -> c <= 0;
            };
        }
    }

    /** A comparison. */
    public enum Op { EQ, NE, GT, GE, LT, LE }

    /** A range that cannot be read; the message says what is wrong with it. */
    public static final class InvalidRangeException extends IllegalArgumentException {
        InvalidRangeException(String message) {
            super(message);
        }
    }

    private static final Pattern PARTIAL = Pattern.compile(
            "[vV]?(x|X|\\*|0|[1-9][0-9]{0,17})(?:\\.(x|X|\\*|0|[1-9][0-9]{0,17}))?(?:\\.(x|X|\\*|0|[1-9][0-9]{0,17}))?"
            + "(?:-([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?(?:\\+[0-9A-Za-z.-]+)?");
    private static final Pattern OPERATOR = Pattern.compile("(\\^|~>|~|>=|<=|!=|>|<|=)?\\s*(.*)");

    public SemVerRange {
        alternatives = alternatives.stream().map(List::copyOf).toList();
    }

    /**
     * Reads a range.
     *
     * @throws InvalidRangeException naming the part that is not a comparator
     */
    public static SemVerRange parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidRangeException("the range is empty");
        }
        List<List<Comparator>> alternatives = new ArrayList<>();
        for (String alternative : text.split("\\|\\|", -1)) {
            String set = alternative.strip();
            if (set.isEmpty()) {
                throw new InvalidRangeException("'||' needs a range on both sides");
            }
            alternatives.add(set(set));
        }
        return new SemVerRange(text, alternatives);
    }

    /** Whether the version is in the range. */
    public boolean contains(SemVer v) {
        for (List<Comparator> set : alternatives) {
            if (set.stream().allMatch(c -> c.test(v)) && (!v.isPreRelease() || set.stream()
                    .anyMatch(c -> c.version().isPreRelease() && c.version().sameNumbers(v)))) {
                return true;
            }
        }
        return false;
    }

    private static List<Comparator> set(String set) {
        String[] hyphen = set.split("\\s+-\\s+", -1);
        if (hyphen.length == 2) {
            Partial low = partial(hyphen[0].strip());
            Partial high = partial(hyphen[1].strip());
            List<Comparator> out = new ArrayList<>();
            out.add(new Comparator(Op.GE, low.floor()));
            out.add(high.missing() == 0 ? new Comparator(Op.LE, high.floor()) : new Comparator(Op.LT, high.next()));
            return out;
        }
        if (hyphen.length > 2) {
            throw new InvalidRangeException("'" + set + "' has more than one ' - '");
        }
        List<Comparator> out = new ArrayList<>();
        // "> = 1.2" and ">=1.2" are the same comparator: glue an operator to the version after it.
        List<String> words = new ArrayList<>();
        for (String w : set.replace(',', ' ').trim().split("\\s+")) {
            if (!words.isEmpty() && words.get(words.size() - 1).matches("\\^|~>|~|>=|<=|!=|>|<|=")) {
                words.set(words.size() - 1, words.get(words.size() - 1) + w);
            } else {
                words.add(w);
            }
        }
        for (String word : words) {
            Matcher m = OPERATOR.matcher(word);
            m.matches();
            String op = m.group(1) == null ? "" : m.group(1);
            Partial p = partial(m.group(2));
            switch (op) {
                case "^" -> caret(p, out);
                case "~", "~>" -> tilde(p, out);
                case "", "=" -> {
                    if (p.missing() == 0) {
                        out.add(new Comparator(Op.EQ, p.floor()));
                    } else if (p.missing() < 3) {
                        out.add(new Comparator(Op.GE, p.floor()));
                        out.add(new Comparator(Op.LT, p.next()));
                    } else {
                        out.add(new Comparator(Op.GE, SemVer.of(0, 0, 0)));
                    }
                }
                case "!=" -> out.add(new Comparator(Op.NE, p.floor()));
                case ">" -> out.add(p.missing() == 0 ? new Comparator(Op.GT, p.floor())
                        : p.missing() == 3 ? new Comparator(Op.LT, SemVer.of(0, 0, 0)) : new Comparator(Op.GE, p.next()));
                case ">=" -> out.add(new Comparator(Op.GE, p.floor()));
                case "<" -> out.add(new Comparator(Op.LT, p.floor()));
                case "<=" -> out.add(p.missing() == 0 ? new Comparator(Op.LE, p.floor())
                        : p.missing() == 3 ? new Comparator(Op.GE, SemVer.of(0, 0, 0)) : new Comparator(Op.LT, p.next()));
                default -> throw new InvalidRangeException("'" + word + "' is not a comparator");
            }
        }
        return out;
    }

    private static void caret(Partial p, List<Comparator> out) {
        out.add(new Comparator(Op.GE, p.floor()));
        long[] n = p.numbers();
        int known = 3 - p.missing();
        SemVer upper;
        if (known == 0) {
            return;
        } else if (n[0] > 0 || known == 1) {
            upper = SemVer.of(n[0] + 1, 0, 0);
        } else if (n[1] > 0 || known == 2) {
            upper = SemVer.of(0, n[1] + 1, 0);
        } else {
            upper = SemVer.of(0, 0, n[2] + 1);
        }
        out.add(new Comparator(Op.LT, upper));
    }

    private static void tilde(Partial p, List<Comparator> out) {
        out.add(new Comparator(Op.GE, p.floor()));
        long[] n = p.numbers();
        int known = 3 - p.missing();
        if (known == 0) {
            return;
        }
        out.add(new Comparator(Op.LT, known == 1 ? SemVer.of(n[0] + 1, 0, 0) : SemVer.of(n[0], n[1] + 1, 0)));
    }

    /** A version with some numbers left out: {@code missing} of the three, from the right. */
    private record Partial(long[] numbers, int missing, List<String> preRelease) {
        SemVer floor() {
            return new SemVer(numbers[0], numbers[1], numbers[2], preRelease, 3);
        }

        /** The first version above everything this partial covers ({@code 1.4} → {@code 1.5.0}). */
        SemVer next() {
            return switch (missing) {
                case 1 -> SemVer.of(numbers[0], numbers[1] + 1, 0);
                case 2 -> SemVer.of(numbers[0] + 1, 0, 0);
                default -> floor();
            };
        }
    }

    private static Partial partial(String text) {
        Matcher m = PARTIAL.matcher(text);
        if (!m.matches()) {
            throw new InvalidRangeException("'" + text + "' is not a version (such as 1, 1.4 or 1.4.2)");
        }
        long[] numbers = new long[3];
        int missing = 0;
        for (int i = 0; i < 3; i++) {
            String g = m.group(i + 1);
            boolean wild = g == null || g.equalsIgnoreCase("x") || g.equals("*");
            if (wild) {
                missing = 3 - i;
                break;
            }
            numbers[i] = Long.parseLong(g);
        }
        if (missing > 0 && m.group(4) != null) {
            throw new InvalidRangeException("'" + text + "' gives a pre-release without all three numbers");
        }
        List<String> pre = m.group(4) == null ? List.of() : List.of(m.group(4).split("\\."));
        return new Partial(numbers, missing, pre);
    }

    @Override
    public String toString() {
        return text;
    }
}
