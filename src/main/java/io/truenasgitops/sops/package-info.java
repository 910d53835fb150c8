/**
 * Pure SOPS files (dotenv, YAML, JSON): decrypting values with an age identity, checking the MAC, and encrypting
 * for {@code truenas-gitops encrypt} with the recipients {@code .sops.yaml} names.
 */
package io.truenasgitops.sops;
