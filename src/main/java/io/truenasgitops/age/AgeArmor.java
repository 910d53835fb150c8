package io.truenasgitops.age;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The ASCII armor of age files: strict PEM (RFC 7468) with the label {@code AGE ENCRYPTED FILE}, padded base64
 * in lines of 64 columns, the last one shorter or equal. Whitespace is allowed only before and after the block,
 * and lines may end with LF or CRLF; everything else non-canonical is refused.
 */
public final class AgeArmor {

    private AgeArmor() {}

    public static final String BEGIN = "-----BEGIN AGE ENCRYPTED FILE-----";
    public static final String END = "-----END AGE ENCRYPTED FILE-----";
    private static final int COLUMNS = 64;

    /** Whether {@code text} (after leading whitespace) starts like an armored age file. */
    public static boolean isArmored(byte[] text) {
        int i = 0;
        while (i < text.length && isSpace(text[i])) {
            i++;
        }
        byte[] begin = BEGIN.getBytes(StandardCharsets.US_ASCII);
        if (text.length - i < begin.length) {
            return false;
        }
        for (int j = 0; j < begin.length; j++) {
            if (text[i + j] != begin[j]) {
                return false;
            }
        }
        return true;
    }

    /** The binary age file inside the armor. */
    public static byte[] decode(byte[] armored) throws AgeException {
        String text = new String(armored, StandardCharsets.ISO_8859_1);
        int start = 0;
        int end = text.length();
        while (start < end && isSpace((byte) text.charAt(start))) {
            start++;
        }
        while (end > start && isSpace((byte) text.charAt(end - 1))) {
            end--;
        }
        String[] lines = text.substring(start, end).split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].endsWith("\r")) {
                lines[i] = lines[i].substring(0, lines[i].length() - 1);
            }
        }
        if (lines.length < 2 || !BEGIN.equals(lines[0])) {
            throw armor("it does not start with '" + BEGIN + "'");
        }
        if (!END.equals(lines[lines.length - 1])) {
            throw armor("it does not end with '" + END + "'");
        }
        StringBuilder b64 = new StringBuilder();
        for (int i = 1; i < lines.length - 1; i++) {
            String l = lines[i];
            boolean lastLine = i == lines.length - 2;
            if (l.isEmpty() || l.length() > COLUMNS || (!lastLine && l.length() != COLUMNS)) {
                throw armor("line " + (i + 1) + " is not a " + COLUMNS + "-column base64 line");
            }
            for (int j = 0; j < l.length(); j++) {
                char c = l.charAt(j);
                if (!AgeBase64.isBase64Char(c) && c != '=') {
                    throw armor("line " + (i + 1) + " has a character that is not base64");
                }
            }
            b64.append(l);
        }
        String s = b64.toString();
        if (s.length() % 4 != 0) {
            throw armor("the base64 is not padded");
        }
        byte[] out;
        try {
            out = Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw armor("the base64 does not decode");
        }
        if (!Base64.getEncoder().encodeToString(out).equals(s)) {
            throw armor("the base64 is not canonical");
        }
        return out;
    }

    /** {@code file} armored, ending with a newline. */
    public static String encode(byte[] file) {
        String b64 = Base64.getEncoder().encodeToString(file);
        StringBuilder b = new StringBuilder(BEGIN).append('\n');
        for (int i = 0; i < b64.length(); i += COLUMNS) {
            b.append(b64, i, Math.min(b64.length(), i + COLUMNS)).append('\n');
        }
        return b.append(END).append('\n').toString();
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    private static AgeException armor(String message) {
        return new AgeException(AgeException.Kind.ARMOR, "the age armor is not valid: " + message);
    }
}
