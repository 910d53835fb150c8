/**
 * The command line: the jar's entry point and every command. Short commands run on a plain class path without
 * Quarkus ({@code ShortMain}); only {@code serve} and {@code demo} boot the daemon's wiring.
 */
package io.truenasgitops.cli;
