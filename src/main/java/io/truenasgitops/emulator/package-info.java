/**
 * The TrueNAS middleware emulator the tests and {@code demo} run against: a real WebSocket server with TLS, the
 * middleware's JSON-RPC protocol, sessions, roles, jobs and app semantics, each behaviour citing the middleware
 * source file it follows. Apps run in memory or as real containers on a Docker Engine.
 */
package io.truenasgitops.emulator;
