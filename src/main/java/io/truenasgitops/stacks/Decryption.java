package io.truenasgitops.stacks;

import java.nio.file.Path;

/**
 * How SOPS-encrypted files in stacks are opened.
 *
 * @param ageKeyFile the age identity file ({@code AGE-SECRET-KEY-1...} lines), or null when none is set
 * @param placeholdersWithoutKey without a key file, check encrypted files' names with placeholder values
 *     ({@code validate}, which runs where there are no keys) instead of failing the stack
 */
public record Decryption(Path ageKeyFile, boolean placeholdersWithoutKey) {

    /** No key file: encrypted files are errors. */
    public static Decryption none() {
        return new Decryption(null, false);
    }
}
