package io.truenasgitops.age;

import java.io.ByteArrayOutputStream;
import java.util.Locale;

/**
 * Bech32 (BIP 173) as age uses it for keys: no length limit, all-lowercase or all-uppercase, checksum over the
 * lowercase form. Data is 8-bit bytes regrouped into 5-bit words.
 */
public final class Bech32 {

    private Bech32() {}

    private static final String CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    private static final int[] GENERATOR = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};

    /** A decoded string: its human-readable part (lowercase) and its data bytes. */
    public record Decoded(String hrp, byte[] data) {}

    /** Encodes {@code data} with {@code hrp}; the result is lowercase unless {@code hrp} is uppercase. */
    public static String encode(String hrp, byte[] data) {
        boolean upper = !hrp.equals(hrp.toLowerCase(Locale.ROOT));
        String lower = hrp.toLowerCase(Locale.ROOT);
        byte[] words = regroup(data, 8, 5, true);
        byte[] checksum = checksum(lower, words);
        StringBuilder b = new StringBuilder(lower).append('1');
        for (byte w : words) {
            b.append(CHARSET.charAt(w));
        }
        for (byte w : checksum) {
            b.append(CHARSET.charAt(w));
        }
        String s = b.toString();
        return upper ? s.toUpperCase(Locale.ROOT) : s;
    }

    /** Decodes a Bech32 string; throws {@link IllegalArgumentException} saying what is wrong (never the input). */
    public static Decoded decode(String s) {
        if (!s.equals(s.toLowerCase(Locale.ROOT)) && !s.equals(s.toUpperCase(Locale.ROOT))) {
            throw new IllegalArgumentException("mixed upper and lower case");
        }
        String lower = s.toLowerCase(Locale.ROOT);
        int sep = lower.lastIndexOf('1');
        if (sep < 1 || sep + 7 > lower.length()) {
            throw new IllegalArgumentException("no separator or too short");
        }
        String hrp = lower.substring(0, sep);
        for (char c : hrp.toCharArray()) {
            if (c < 33 || c > 126) {
                throw new IllegalArgumentException("invalid character in the prefix");
            }
        }
        byte[] words = new byte[lower.length() - sep - 1];
        for (int i = 0; i < words.length; i++) {
            int v = CHARSET.indexOf(lower.charAt(sep + 1 + i));
            if (v < 0) {
                throw new IllegalArgumentException("invalid character");
            }
            words[i] = (byte) v;
        }
        if (polymod(hrp, words) != 1) {
            throw new IllegalArgumentException("checksum mismatch (a typo, or a truncated key)");
        }
        byte[] data = new byte[words.length - 6];
        System.arraycopy(words, 0, data, 0, data.length);
        return new Decoded(hrp, regroup(data, 5, 8, false));
    }

    private static int polymod(String hrp, byte[] words) {
        int chk = 1;
        for (int v : expand(hrp)) {
            chk = step(chk, v);
        }
        for (byte w : words) {
            chk = step(chk, w);
        }
        return chk;
    }

    private static int step(int chk, int v) {
        int top = chk >>> 25;
        chk = (chk & 0x1ffffff) << 5 ^ v;
        for (int i = 0; i < 5; i++) {
            if (((top >>> i) & 1) != 0) {
                chk ^= GENERATOR[i];
            }
        }
        return chk;
    }

    private static int[] expand(String hrp) {
        int n = hrp.length();
        int[] out = new int[2 * n + 1];
        for (int i = 0; i < n; i++) {
            out[i] = hrp.charAt(i) >> 5;
            out[n + 1 + i] = hrp.charAt(i) & 31;
        }
        return out;
    }

    private static byte[] checksum(String hrp, byte[] words) {
        int chk = 1;
        for (int v : expand(hrp)) {
            chk = step(chk, v);
        }
        for (byte w : words) {
            chk = step(chk, w);
        }
        for (int i = 0; i < 6; i++) {
            chk = step(chk, 0);
        }
        chk ^= 1;
        byte[] out = new byte[6];
        for (int i = 0; i < 6; i++) {
            out[i] = (byte) ((chk >>> (5 * (5 - i))) & 31);
        }
        return out;
    }

    private static byte[] regroup(byte[] in, int from, int to, boolean pad) {
        int acc = 0;
        int bits = 0;
        int max = (1 << to) - 1;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte b : in) {
            int v = b & 0xff;
            if (v >>> from != 0) {
                throw new IllegalArgumentException("invalid data");
            }
            acc = acc << from | v;
            bits += from;
            while (bits >= to) {
                bits -= to;
                out.write((acc >>> bits) & max);
            }
        }
        if (pad) {
            if (bits > 0) {
                out.write((acc << (to - bits)) & max);
            }
        } else if (bits >= from || ((acc << (to - bits)) & max) != 0) {
            throw new IllegalArgumentException("invalid padding");
        }
        return out.toByteArray();
    }
}
