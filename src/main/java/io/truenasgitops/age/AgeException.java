package io.truenasgitops.age;

/**
 * An age file that could not be decrypted, with the stage that refused it. Messages say what is wrong with the
 * file's structure and never quote plaintext or key material.
 */
public final class AgeException extends Exception {

    /** Where decryption stopped, as the age specification distinguishes it. */
    public enum Kind {
        /** The ASCII armor is not a strict PEM encoding. */
        ARMOR,
        /** The header (version, stanzas, MAC line) does not parse, or a stanza for a known type is malformed. */
        HEADER,
        /** The header parses but no identity unwraps a stanza: the file is not encrypted for these keys. */
        NO_MATCH,
        /** A file key was unwrapped but the header MAC does not match: the header was changed. */
        HMAC,
        /** The payload does not decrypt to the end: it was changed or cut. */
        PAYLOAD
    }

    private final Kind kind;

    public AgeException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
