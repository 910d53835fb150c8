package io.truenasgitops.sops;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** How SOPS turns values to bytes (for the MAC and for encryption) and typed plaintexts back into values. */
final class Leaves {

    private Leaves() {}

    /** The bytes sops hashes for a value of the tree (Go's formatting: {@code True}, shortest float). */
    static byte[] bytes(Object value) {
        return text(value).getBytes(StandardCharsets.UTF_8);
    }

    static String text(Object value) {
        if (value instanceof Boolean b) {
            return b ? "True" : "False";
        }
        if (value instanceof Double d) {
            return floatText(d);
        }
        return String.valueOf(value);
    }

    /** The {@code type:} sops writes for a value. */
    static String type(Object value) {
        if (value instanceof Boolean) {
            return "bool";
        }
        if (value instanceof Double) {
            return "float";
        }
        if (value instanceof Long || value instanceof Integer || value instanceof BigInteger) {
            return "int";
        }
        return "str";
    }

    /** Go's strconv.FormatFloat(f, 'f', -1, 64): no exponent, as few digits as identify the value. */
    static String floatText(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return Double.isNaN(d) ? "NaN" : d > 0 ? "+Inf" : "-Inf";
        }
        String s = new BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString();
        return "-0".equals(s) ? "-0" : s;
    }

    /** The decrypted plaintext of a value as the typed value sops would have in its tree; empty if it does not parse. */
    static Optional<Object> typed(byte[] plaintext, String type) {
        String s = new String(plaintext, StandardCharsets.UTF_8);
        try {
            return switch (type) {
                case "str", "bytes", "time" -> Optional.of(s);
                case "int" -> Optional.of(Long.parseLong(s));
                case "float" -> Optional.of(Double.parseDouble(s));
                case "bool" -> goBool(s).map(b -> (Object) b);
                default -> Optional.empty();
            };
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<Boolean> goBool(String s) {
        return switch (s) {
            case "1", "t", "T", "TRUE", "true", "True" -> Optional.of(true);
            case "0", "f", "F", "FALSE", "false", "False" -> Optional.of(false);
            default -> Optional.empty();
        };
    }

    /** A scalar as a variable's value: booleans lowercase, floats without exponent, the rest as text. */
    static String variable(Object value) {
        if (value instanceof Boolean b) {
            return b.toString();
        }
        if (value instanceof Double d) {
            return floatText(d);
        }
        return value == null ? "" : String.valueOf(value);
    }
}
