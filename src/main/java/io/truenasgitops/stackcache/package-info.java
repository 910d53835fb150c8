/**
 * The daemon's cache of loaded stacks, keyed by a digest of everything a stack is read from, so that a pass over an
 * unchanged repository renders nothing again. State, and so kept out of the pure {@code stacks} package.
 */
package io.truenasgitops.stackcache;
