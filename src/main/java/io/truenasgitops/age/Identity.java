package io.truenasgitops.age;

import java.util.List;
import java.util.Optional;

/** Something that can unwrap an age file key: an X25519 secret key, or a passphrase. */
public sealed interface Identity permits X25519Identity, ScryptIdentity {

    /** Length of an age file key. */
    int FILE_KEY_BYTES = 16;

    /**
     * The file key from the first stanza addressed to this identity that it can open, or empty when none.
     *
     * @throws AgeException of kind {@link AgeException.Kind#HEADER} when a stanza of this identity's type is
     *     malformed (wrong arguments, body length, a low-order share)
     */
    Optional<byte[]> unwrap(List<Stanza> stanzas) throws AgeException;
}
