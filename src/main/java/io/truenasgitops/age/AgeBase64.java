package io.truenasgitops.age;

import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/** The base64 of age headers: standard alphabet, no padding, canonical encodings only. */
final class AgeBase64 {

    private AgeBase64() {}

    private static final Base64.Encoder ENCODER = Base64.getEncoder().withoutPadding();

    static String encode(byte[] data) {
        return ENCODER.encodeToString(data);
    }

    /** The bytes, or empty when {@code s} is not a canonical unpadded encoding. */
    static Optional<byte[]> decode(String s) {
        if (s.indexOf('=') >= 0 || s.length() % 4 == 1) {
            return Optional.empty();
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+'
                    || c == '/';
            if (!ok) {
                return Optional.empty();
            }
        }
        byte[] out;
        try {
            out = Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        // Unused low bits of the last character must be zero: re-encoding must give the same text.
        return encode(out).equals(s) ? Optional.of(out) : Optional.empty();
    }

    /** Decodes a value that must be exactly {@code length} bytes. */
    static Optional<byte[]> decode(String s, int length) {
        return decode(s).filter(b -> b.length == length);
    }

    static boolean isBase64Char(int c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
    }

    static void wipe(byte[] b) {
        if (b != null) {
            Arrays.fill(b, (byte) 0);
        }
    }
}
