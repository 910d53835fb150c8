/**
 * The TrueNAS middleware client: the WebSocket connection's state machine (connect, TLS trust, API-key login,
 * reconnection), JSON-RPC calls and job tracking, the typed {@link io.truenasgitops.truenas.AppsApi}, and every error
 * as a {@link io.truenasgitops.truenas.TrueNasException} under one sealed category that decides retry.
 */
package io.truenasgitops.truenas;
