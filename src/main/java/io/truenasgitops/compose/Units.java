package io.truenasgitops.compose;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compose's duration ({@code 1m30s}) and byte-size ({@code 1g}, {@code 512m}) values, read and written in one
 * canonical spelling so that equal amounts compare equal.
 */
public final class Units {

    private Units() {}

    private static final Pattern DURATION_PART = Pattern.compile("([0-9]*\\.?[0-9]+)(ns|us|µs|ms|s|m|h)");
    private static final Pattern BYTES = Pattern.compile("(?i)\\s*([0-9]*\\.?[0-9]+)\\s*([kmgtp]?)(i?b)?\\s*");

    /**
     * Parses a Go-style duration ({@code 1h2m3.5s}, {@code 500ms}); a bare number means seconds.
     *
     * @return nanoseconds, or empty if {@code value} is not a duration
     */
    public static OptionalLong parseDurationNanos(Object value) {
        if (value instanceof Number n) {
            if (!Double.isFinite(n.doubleValue())) {
                return OptionalLong.empty(); // .inf and .nan are no amount of time
            }
            return fitting(new BigDecimal(n.toString()).multiply(BigDecimal.valueOf(1_000_000_000L)));
        }
        if (!(value instanceof String s) || s.isBlank()) {
            return OptionalLong.empty();
        }
        String text = s.strip();
        boolean negative = text.startsWith("-");
        if (negative || text.startsWith("+")) {
            text = text.substring(1);
        }
        if (text.matches("[0-9]*\\.?[0-9]+")) {
            return parseDurationNanos(new BigDecimal(text));
        }
        Matcher m = DURATION_PART.matcher(text);
        int at = 0;
        BigDecimal total = BigDecimal.ZERO;
        while (m.find()) {
            if (m.start() != at) {
                return OptionalLong.empty();
            }
            BigDecimal amount = new BigDecimal(m.group(1));
            long unit = switch (m.group(2)) {
                case "ns" -> 1L;
                case "us", "µs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            };
            total = total.add(amount.multiply(BigDecimal.valueOf(unit)));
            at = m.end();
        }
        if (at != text.length() || at == 0) {
            return OptionalLong.empty();
        }
        return fitting(negative ? total.negate() : total);
    }

    /** Whole nanoseconds when they fit a long; empty for a duration too long to hold (a problem, not a wrapped value). */
    private static OptionalLong fitting(BigDecimal nanos) {
        try {
            return OptionalLong.of(nanos.setScale(0, java.math.RoundingMode.DOWN).longValueExact());
        } catch (ArithmeticException e) {
            return OptionalLong.empty();
        }
    }

    /** The canonical spelling: largest units first, zero parts left out ({@code 90s} becomes {@code 1m30s}). */
    public static String formatDuration(long nanos) {
        if (nanos == 0) {
            return "0s";
        }
        StringBuilder b = new StringBuilder();
        long rest = nanos;
        if (rest < 0) {
            b.append('-');
            rest = -rest;
        }
        long[] units = {3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L, 1_000L, 1L};
        String[] names = {"h", "m", "s", "ms", "us", "ns"};
        for (int i = 0; i < units.length; i++) {
            long q = rest / units[i];
            if (q > 0) {
                b.append(q).append(names[i]);
                rest -= q * units[i];
            }
        }
        return b.toString();
    }

    /** {@code value} as a canonical duration string, or {@code value} itself when it is not a duration. */
    public static Object canonicalDuration(Object value) {
        OptionalLong nanos = parseDurationNanos(value);
        return nanos.isPresent() ? formatDuration(nanos.getAsLong()) : value;
    }

    /**
     * Parses a byte size the way compose does (binary multiples, case-insensitive, optional {@code b}/{@code ib}):
     * {@code 1g}, {@code 1024m}, {@code 1GiB} and {@code 1073741824} are the same.
     */
    public static OptionalLong parseBytes(Object value) {
        if (value instanceof Long || value instanceof Integer) {
            return OptionalLong.of(((Number) value).longValue());
        }
        if (value instanceof Double d && d == Math.rint(d)) {
            return OptionalLong.of(d.longValue());
        }
        if (!(value instanceof String s)) {
            return OptionalLong.empty();
        }
        Matcher m = BYTES.matcher(s);
        if (!m.matches()) {
            return OptionalLong.empty();
        }
        int power = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 1;
            case "m" -> 2;
            case "g" -> 3;
            case "t" -> 4;
            case "p" -> 5;
            default -> 0;
        };
        BigDecimal bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(1024).pow(power));
        return OptionalLong.of(bytes.longValue());
    }

    /** {@code value} as a number of bytes, or {@code value} itself when it is not a size. */
    public static Object canonicalBytes(Object value) {
        OptionalLong bytes = parseBytes(value);
        return bytes.isPresent() ? (Object) bytes.getAsLong() : value;
    }
}
