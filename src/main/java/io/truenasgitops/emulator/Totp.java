package io.truenasgitops.emulator;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.time.Instant;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** RFC 6238 TOTP (SHA-1, 6 digits, 30 s), as TrueNAS' two-factor auth uses it. */
public final class Totp {
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    private Totp() {}

    /** The current code for a base32 secret; what an authenticator app would show now. */
    public static String code(String base32Secret) {
        return code(base32Secret, Instant.now().getEpochSecond() / 30);
    }

    static String code(String base32Secret, long counter) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(decode(base32Secret), "HmacSHA1"));
            byte[] hash = mac.doFinal(ByteBuffer.allocate(8).putLong(counter).array());
            int offset = hash[hash.length - 1] & 0xf;
            int binary = ((hash[offset] & 0x7f) << 24) | ((hash[offset + 1] & 0xff) << 16)
                    | ((hash[offset + 2] & 0xff) << 8) | (hash[offset + 3] & 0xff);
            return String.format("%06d", binary % 1_000_000);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is not available in this JVM", e);
        }
    }

    /** Whether {@code code} matches now or one 30 s step either side (clock skew). */
    static boolean verify(String base32Secret, String code) {
        long now = Instant.now().getEpochSecond() / 30;
        for (long c = now - 1; c <= now + 1; c++) {
            if (code(base32Secret, c).equals(code)) {
                return true;
            }
        }
        return false;
    }

    private static byte[] decode(String base32) {
        String s = base32.replace("=", "").replace(" ", "").toUpperCase();
        ByteBuffer out = ByteBuffer.allocate(s.length() * 5 / 8);
        int buffer = 0;
        int bits = 0;
        for (char ch : s.toCharArray()) {
            int v = ALPHABET.indexOf(ch);
            if (v < 0) {
                throw new IllegalArgumentException("OTP secret is not base32");
            }
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8) {
                out.put((byte) (buffer >> (bits - 8)));
                bits -= 8;
            }
        }
        return out.array();
    }
}
