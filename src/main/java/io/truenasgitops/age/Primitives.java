package io.truenasgitops.age;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.agreement.X25519Agreement;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.generators.SCrypt;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;

/**
 * The primitives age is built from, each from a maintained implementation: ChaCha20-Poly1305 and HMAC-SHA-256
 * from the JDK, X25519, HKDF-SHA-256 and scrypt from BouncyCastle.
 */
final class Primitives {

    private Primitives() {}

    static final SecureRandom RANDOM = new SecureRandom();

    static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    /** HKDF-SHA-256 with 32 bytes of output. */
    static byte[] hkdf(byte[] ikm, byte[] salt, String info) {
        HKDFBytesGenerator gen = new HKDFBytesGenerator(new SHA256Digest());
        gen.init(new HKDFParameters(ikm, salt, info.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        byte[] out = new byte[32];
        gen.generateBytes(out, 0, out.length);
        return out;
    }

    static byte[] hmacSha256(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA-256 is not available in this JDK", e);
        }
    }

    static byte[] seal(byte[] key, byte[] nonce, byte[] plaintext) {
        try {
            Cipher c = Cipher.getInstance("ChaCha20-Poly1305");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce));
            return c.doFinal(plaintext);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 is not available in this JDK", e);
        }
    }

    /** The plaintext, or empty when the tag does not verify. */
    static Optional<byte[]> open(byte[] key, byte[] nonce, byte[] ciphertext, int offset, int length) {
        try {
            Cipher c = Cipher.getInstance("ChaCha20-Poly1305");
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce));
            return Optional.of(c.doFinal(ciphertext, offset, length));
        } catch (AEADBadTagException e) {
            return Optional.empty();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 is not available in this JDK", e);
        }
    }

    static Optional<byte[]> open(byte[] key, byte[] nonce, byte[] ciphertext) {
        return open(key, nonce, ciphertext, 0, ciphertext.length);
    }

    static byte[] x25519Public(byte[] secret) {
        return new X25519PrivateKeyParameters(secret, 0).generatePublicKey().getEncoded();
    }

    /** X25519(secret, point), or empty when the result is all zeros (a low-order point). */
    static Optional<byte[]> x25519(byte[] secret, byte[] point) {
        X25519Agreement agreement = new X25519Agreement();
        agreement.init(new X25519PrivateKeyParameters(secret, 0));
        byte[] out = new byte[agreement.getAgreementSize()];
        try {
            agreement.calculateAgreement(new X25519PublicKeyParameters(point, 0), out, 0);
        } catch (IllegalStateException e) {
            return Optional.empty(); // BouncyCastle refuses the all-zero shared secret
        }
        int acc = 0;
        for (byte b : out) {
            acc |= b;
        }
        return acc == 0 ? Optional.empty() : Optional.of(out);
    }

    static byte[] scrypt(byte[] passphrase, byte[] salt, int logN) {
        return SCrypt.generate(passphrase, salt, 1 << logN, 8, 1, 32);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
