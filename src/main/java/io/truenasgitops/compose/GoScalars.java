package io.truenasgitops.compose;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Scalars the way docker compose reads and writes them. Docker compose parses YAML with go-yaml (v3, and v4 since
 * compose-go 2.10), whose resolver reads an untagged plain scalar that starts with a digit or a sign by removing
 * every {@code _}, then trying Go's {@code strconv.ParseInt(s, 0, 64)} (base from the prefix: {@code 0x}, {@code 0o},
 * {@code 0b}, and a bare leading {@code 0} is octal), then {@code ParseUint}, then a float. compose-go then writes
 * numbers into string fields such as {@code environment} with Go's {@code fmt.Sprint}, which prints a float in the
 * shortest form and switches to an exponent from 1e+06 on. Facts from go-yaml {@code resolve.go} and compose-go
 * {@code types/mapping.go}; no code from either.
 */
public final class GoScalars {

    private GoScalars() {}

    /** go-yaml's float syntax, checked after the integer parsers failed. */
    private static final Pattern YAML_FLOAT = Pattern.compile("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
    private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
    private static final BigInteger INT64_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger INT64_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    /**
     * The number a plain scalar starting with a digit or a sign reads as, or empty when go-yaml keeps it a string.
     * Integers are {@link Long} (or {@link BigInteger} above {@code Long.MAX_VALUE}, up to 2^64-1), floats
     * {@link Double}.
     */
    public static Optional<Object> number(String text) {
        if (text.isEmpty()) {
            return Optional.empty();
        }
        char first = text.charAt(0);
        if (first == '.') {
            return decimalFloat(text);
        }
        if (!(first == '+' || first == '-' || (first >= '0' && first <= '9'))) {
            return Optional.empty();
        }
        String plain = text.replace("_", "");
        BigInteger signed = parseInteger(plain, true);
        if (signed != null && signed.compareTo(INT64_MIN) >= 0 && signed.compareTo(INT64_MAX) <= 0) {
            return Optional.of(signed.longValue());
        }
        BigInteger unsigned = parseInteger(plain, false);
        if (unsigned != null && unsigned.signum() >= 0 && unsigned.compareTo(UINT64_MAX) <= 0) {
            return Optional.of(unsigned.bitLength() < 64 ? (Object) unsigned.longValue() : unsigned);
        }
        if (YAML_FLOAT.matcher(plain).matches()) {
            return decimalFloat(plain);
        }
        return Optional.empty();
    }

    private static Optional<Object> decimalFloat(String text) {
        if (!YAML_FLOAT.matcher(text).matches()) {
            return Optional.empty();
        }
        double d = new BigDecimal(text.startsWith("+") ? text.substring(1) : text).doubleValue();
        // Go's ParseFloat fails with a range error beyond the largest double: go-yaml then keeps the string.
        return Double.isInfinite(d) ? Optional.empty() : Optional.of(d);
    }

    /**
     * Go's {@code strconv.ParseInt(s, 0, ...)} / {@code ParseUint} syntax, without the range check: an optional
     * sign (only when {@code signAllowed}), then {@code 0x}/{@code 0X} hex, {@code 0o}/{@code 0O} or a leading
     * {@code 0} octal, {@code 0b}/{@code 0B} binary, or decimal. Null when the text is not such an integer.
     */
    static BigInteger parseInteger(String s, boolean signAllowed) {
        boolean negative = false;
        int i = 0;
        if (!s.isEmpty() && (s.charAt(0) == '+' || s.charAt(0) == '-')) {
            if (!signAllowed) {
                return null;
            }
            negative = s.charAt(0) == '-';
            i = 1;
        }
        String body = s.substring(i);
        int radix = 10;
        if (body.length() > 1 && body.charAt(0) == '0') {
            char p = Character.toLowerCase(body.charAt(1));
            if (p == 'x') {
                radix = 16;
                body = body.substring(2);
            } else if (p == 'o') {
                radix = 8;
                body = body.substring(2);
            } else if (p == 'b') {
                radix = 2;
                body = body.substring(2);
            } else {
                radix = 8;
                body = body.substring(1);
            }
        }
        if (body.isEmpty()) {
            return null;
        }
        for (int k = 0; k < body.length(); k++) {
            if (Character.digit(body.charAt(k), radix) < 0) {
                return null;
            }
        }
        BigInteger v = new BigInteger(body, radix);
        return negative ? v.negate() : v;
    }

    /**
     * A scalar as Go's {@code fmt.Sprint} writes it, which is what compose-go puts into {@code environment},
     * {@code labels} and other string maps: integers in decimal, floats in the shortest form with an exponent
     * from 1e+06 on and below 1e-04 ({@code 1e+06}, {@code 1.2345678e+07}, {@code 1.5}, {@code 1}),
     * {@code NaN}, {@code +Inf}, {@code -Inf}; anything else with {@link String#valueOf}.
     */
    public static String sprint(Object v) {
        if (v instanceof Double d) {
            return formatFloat(d);
        }
        if (v instanceof Float f) {
            return formatFloat(f.doubleValue());
        }
        return String.valueOf(v);
    }

    /** Go's {@code strconv.FormatFloat(d, 'g', -1, 64)}. */
    static String formatFloat(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "+Inf" : "-Inf";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0" : "0";
        }
        BigDecimal b = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        String digits = b.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - b.scale();
        String sign = b.signum() < 0 ? "-" : "";
        if (exponent < -4 || exponent >= 6) {
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            int abs = Math.abs(exponent);
            return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + (abs < 10 ? "0" : "") + abs;
        }
        return b.toPlainString();
    }
}
