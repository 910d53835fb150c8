/**
 * The daemon's Quarkus wiring: configuration mappings turned into the engine's plain settings records, the
 * lifecycle (start-up checks, the loop, shutdown), the demo, and the notification and commit-status senders.
 */
package io.truenasgitops.app;
