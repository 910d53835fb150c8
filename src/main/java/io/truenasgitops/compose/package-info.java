/**
 * Pure compose handling: YAML loading with line numbers, interpolation, the checks docker compose and TrueNAS make,
 * normalisation into the canonical form whose hash decides whether an app changes, and the diff {@code plan} shows.
 * No I/O beyond reading the text it is given, no framework.
 */
package io.truenasgitops.compose;
