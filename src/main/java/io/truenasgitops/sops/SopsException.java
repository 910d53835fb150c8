package io.truenasgitops.sops;

/**
 * A SOPS file that could not be decrypted or encrypted. The message names the file first and says what to do;
 * it never holds a decrypted value, a key or a MAC.
 */
public final class SopsException extends Exception {

    /** Why, as a type the caller can act on. */
    public enum Reason {
        /** The SOPS metadata is missing a field or holds something that is not SOPS's format. */
        MALFORMED,
        /** The file uses a SOPS feature this implementation does not read (Shamir key groups, comment regexes). */
        UNSUPPORTED,
        /** The file has no age recipient: it can only be opened with PGP, a cloud KMS or Vault. */
        NO_AGE_RECIPIENT,
        /** None of the given age identities is one of the file's recipients. */
        NO_MATCHING_KEY,
        /** A value, the data key or the MAC does not authenticate: the file was changed or cut. */
        TAMPERED
    }

    private final Reason reason;

    public SopsException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
