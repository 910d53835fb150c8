package io.truenasgitops.age;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** Encrypts and decrypts age v1 files (binary or armored) for X25519 recipients, or with passphrases. */
public final class Age {

    private Age() {}

    /** Decrypts a file, armored or binary (told apart by the armor's first line). */
    public static byte[] decrypt(byte[] file, List<? extends Identity> identities) throws AgeException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        decrypt(AgeArmor.isArmored(file) ? AgeArmor.decode(file) : file, identities, out::writeBytes);
        return out.toByteArray();
    }

    /**
     * Decrypts a binary file, handing each authenticated chunk of plaintext to {@code out} (a payload error may
     * come after some chunks were handed over).
     */
    public static void decrypt(byte[] file, List<? extends Identity> identities, Consumer<byte[]> out)
            throws AgeException {
        AgeHeader header = AgeHeader.parse(file);
        boolean scrypt = header.stanzas().stream().anyMatch(s -> "scrypt".equals(s.type()));
        if (scrypt && header.stanzas().size() != 1) {
            throw new AgeException(AgeException.Kind.HEADER, "an scrypt stanza must be the only stanza of a header");
        }
        if (file.length - header.payloadOffset() < AgeStream.NONCE_BYTES) {
            throw new AgeException(AgeException.Kind.HEADER, "the payload nonce is missing (the file is cut short)");
        }
        byte[] fileKey = null;
        for (Identity identity : identities) {
            Optional<byte[]> key = identity.unwrap(header.stanzas());
            if (key.isPresent()) {
                fileKey = key.get();
                break;
            }
        }
        if (fileKey == null) {
            throw new AgeException(AgeException.Kind.NO_MATCH, "no identity matches any of the file's recipients");
        }
        try {
            if (fileKey.length != Identity.FILE_KEY_BYTES) {
                throw new AgeException(AgeException.Kind.HEADER, "the file key is not 16 bytes");
            }
            if (!header.macMatches(fileKey)) {
                throw new AgeException(AgeException.Kind.HMAC, "the header MAC does not match: the header was changed");
            }
            AgeStream.decrypt(fileKey, file, header.payloadOffset(), out);
        } finally {
            AgeBase64.wipe(fileKey);
        }
    }

    /** Encrypts {@code plaintext} for every recipient, as a binary age file. */
    public static byte[] encrypt(byte[] plaintext, List<X25519Recipient> recipients) {
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("no recipient to encrypt for");
        }
        byte[] fileKey = Primitives.random(Identity.FILE_KEY_BYTES);
        try {
            List<Stanza> stanzas = recipients.stream().map(r -> r.wrap(fileKey)).toList();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(AgeHeader.encode(stanzas, fileKey));
            out.writeBytes(AgeStream.encrypt(fileKey, plaintext));
            return out.toByteArray();
        } finally {
            AgeBase64.wipe(fileKey);
        }
    }
}
