package io.truenasgitops.sops;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * One SOPS value, {@code ENC[AES256_GCM,data:...,iv:...,tag:...,type:...]}: AES-256-GCM (the JDK's) under the
 * file's data key, with a 32-byte IV and the value's path ({@code key:key:}) as additional data.
 *
 * @param data the ciphertext without its tag
 * @param iv the GCM nonce
 * @param tag the 16-byte GCM tag
 * @param type {@code str}, {@code int}, {@code float}, {@code bool}, {@code bytes}, {@code time} or {@code comment}
 */
public record EncryptedValue(byte[] data, byte[] iv, byte[] tag, String type) {

    private static final Pattern FORMAT =
            Pattern.compile("^ENC\\[AES256_GCM,data:(.+),iv:(.+),tag:(.+),type:(.+)\\]");
    private static final int IV_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Whether {@code value} looks like an encrypted SOPS value. */
    public static boolean looksEncrypted(String value) {
        return value.startsWith("ENC[AES256_GCM,");
    }

    /** Parses a value; empty when it is not in SOPS's format. */
    public static Optional<EncryptedValue> parse(String value) {
        Matcher m = FORMAT.matcher(value);
        if (!m.find()) {
            return Optional.empty();
        }
        try {
            Base64.Decoder d = Base64.getDecoder();
            return Optional.of(new EncryptedValue(d.decode(m.group(1)), d.decode(m.group(2)), d.decode(m.group(3)),
                    m.group(4)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The plaintext bytes, or empty when the value does not authenticate under this key and path. */
    public Optional<byte[]> decrypt(byte[] key, String additionalData) {
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(tag.length * 8, iv));
            c.updateAAD(additionalData.getBytes(StandardCharsets.UTF_8));
            c.update(data);
            return Optional.of(c.doFinal(tag));
        } catch (AEADBadTagException e) {
            return Optional.empty();
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return Optional.empty(); // a tag or IV of an impossible size: not authentic either
        }
    }

    /** Encrypts {@code plaintext} with a fresh IV. */
    public static EncryptedValue encrypt(byte[] plaintext, String type, byte[] key, String additionalData) {
        byte[] iv = new byte[IV_BYTES];
        RANDOM.nextBytes(iv);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
            c.updateAAD(additionalData.getBytes(StandardCharsets.UTF_8));
            byte[] out = c.doFinal(plaintext);
            byte[] data = java.util.Arrays.copyOfRange(out, 0, out.length - 16);
            byte[] tag = java.util.Arrays.copyOfRange(out, out.length - 16, out.length);
            return new EncryptedValue(data, iv, tag, type);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JDK", e);
        }
    }

    /** The value as SOPS writes it. */
    public String format() {
        Base64.Encoder e = Base64.getEncoder();
        return "ENC[AES256_GCM,data:" + e.encodeToString(data) + ",iv:" + e.encodeToString(iv) + ",tag:"
                + e.encodeToString(tag) + ",type:" + type + "]";
    }
}
