/**
 * Pure age encryption (X25519 recipients, scrypt passphrases, armor, the STREAM payload), enough to read and write
 * the files SOPS makes with age keys. Checked against the age project's test vectors.
 */
package io.truenasgitops.age;
