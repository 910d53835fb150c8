package io.truenasgitops.age;

import java.nio.charset.StandardCharsets;

/** An age X25519 recipient: a public key, written {@code age1...}. */
public record X25519Recipient(byte[] publicKey) {

    static final String HRP = "age";
    static final String INFO = "age-encryption.org/v1/X25519";

    public X25519Recipient {
        if (publicKey.length != 32) {
            throw new IllegalArgumentException("an X25519 public key is 32 bytes");
        }
        publicKey = publicKey.clone();
    }

    @Override
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /**
     * Parses {@code age1...}.
     *
     * @throws IllegalArgumentException saying what is wrong (the text is public, but is not repeated)
     */
    public static X25519Recipient parse(String text) {
        String s = text.strip();
        Bech32.Decoded d;
        try {
            d = Bech32.decode(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not an age recipient (age1...): " + e.getMessage());
        }
        if (!HRP.equals(d.hrp()) || d.data().length != 32) {
            throw new IllegalArgumentException("not an age X25519 recipient (age1... with a 32-byte key)");
        }
        return new X25519Recipient(d.data());
    }

    /** {@code age1...}. */
    public String encode() {
        return Bech32.encode(HRP, publicKey);
    }

    @Override
    public String toString() {
        return encode();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof X25519Recipient r && java.util.Arrays.equals(publicKey, r.publicKey);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(publicKey);
    }

    /** A stanza wrapping {@code fileKey} for this recipient, with a fresh ephemeral key. */
    Stanza wrap(byte[] fileKey) {
        byte[] ephemeral = Primitives.random(32);
        byte[] share = Primitives.x25519Public(ephemeral);
        byte[] shared = Primitives.x25519(ephemeral, publicKey)
                .orElseThrow(() -> new IllegalStateException("the recipient is a low-order point: not a usable key"));
        byte[] wrapKey = Primitives.hkdf(shared, Primitives.concat(share, publicKey), INFO);
        byte[] body = Primitives.seal(wrapKey, new byte[12], fileKey);
        AgeBase64.wipe(ephemeral);
        AgeBase64.wipe(shared);
        AgeBase64.wipe(wrapKey);
        return new Stanza("X25519", java.util.List.of(AgeBase64.encode(share)), body);
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
