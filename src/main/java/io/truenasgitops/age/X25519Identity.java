package io.truenasgitops.age;

import java.util.List;
import java.util.Optional;

/** An age X25519 identity: a secret key, written {@code AGE-SECRET-KEY-1...} as {@code age-keygen} does. */
public final class X25519Identity implements Identity {

    static final String HRP = "age-secret-key-";

    private final byte[] secret;
    private final X25519Recipient recipient;

    private X25519Identity(byte[] secret) {
        this.secret = secret.clone();
        this.recipient = new X25519Recipient(Primitives.x25519Public(secret));
    }

    /**
     * Parses {@code AGE-SECRET-KEY-1...}.
     *
     * @throws IllegalArgumentException saying what is wrong, never quoting the key
     */
    public static X25519Identity parse(String text) {
        Bech32.Decoded d;
        try {
            d = Bech32.decode(text.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not an age secret key (AGE-SECRET-KEY-1...): " + e.getMessage());
        }
        if (!HRP.equals(d.hrp()) || d.data().length != 32) {
            throw new IllegalArgumentException("not an age X25519 secret key (AGE-SECRET-KEY-1... with 32 bytes)");
        }
        return new X25519Identity(d.data());
    }

    /** A new random identity. */
    public static X25519Identity generate() {
        return new X25519Identity(Primitives.random(32));
    }

    /** The public key files are encrypted to for this identity. */
    public X25519Recipient recipient() {
        return recipient;
    }

    /** {@code AGE-SECRET-KEY-1...}: the secret, for writing a key file; never log it. */
    public String encode() {
        return Bech32.encode(HRP.toUpperCase(java.util.Locale.ROOT), secret);
    }

    @Override
    public String toString() {
        return "X25519Identity[" + recipient.encode() + "]";
    }

    @Override
    public Optional<byte[]> unwrap(List<Stanza> stanzas) throws AgeException {
        for (Stanza s : stanzas) {
            if (!"X25519".equals(s.type())) {
                continue;
            }
            if (s.args().size() != 1) {
                throw new AgeException(AgeException.Kind.HEADER, "an X25519 stanza must have exactly one argument");
            }
            byte[] share = AgeBase64.decode(s.args().get(0), 32).orElseThrow(() -> new AgeException(
                    AgeException.Kind.HEADER, "an X25519 stanza's share is not a canonical base64 32-byte value"));
            byte[] body = s.body();
            if (body.length != FILE_KEY_BYTES + 16) {
                throw new AgeException(AgeException.Kind.HEADER, "an X25519 stanza's body is not 32 bytes");
            }
            byte[] shared = Primitives.x25519(secret, share).orElseThrow(() -> new AgeException(
                    AgeException.Kind.HEADER, "an X25519 stanza's share is a low-order point"));
            byte[] wrapKey = Primitives.hkdf(shared, Primitives.concat(share, recipient.publicKey()),
                    X25519Recipient.INFO);
            Optional<byte[]> fileKey = Primitives.open(wrapKey, new byte[12], body);
            AgeBase64.wipe(shared);
            AgeBase64.wipe(wrapKey);
            if (fileKey.isPresent()) {
                return fileKey;
            }
        }
        return Optional.empty();
    }
}
