/**
 * Image updates through Git: {@code imagePolicy:} (semver ranges, tag patterns, orders), choosing the newest allowed
 * tag (pure), editing one {@code image:} scalar of a compose file (pure), and listing a repository's tags through the
 * Registry HTTP API v2 ({@link io.truenasgitops.images.RegistryClient}, the one class here that does I/O).
 */
package io.truenasgitops.images;
