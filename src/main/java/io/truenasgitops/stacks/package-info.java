/**
 * Pure reading of a stacks repository: one folder per app, its {@code stack.yaml} settings, {@code .env} variables,
 * the secrets directory and SOPS-encrypted files, loaded into {@link io.truenasgitops.stacks.LoadedStack}s. A broken
 * stack is an invalid one with its file and line, so the others go on.
 */
package io.truenasgitops.stacks;
