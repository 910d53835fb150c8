package io.truenasgitops.truenas;

/** Which wire protocol to speak to the middleware. */
public enum Protocol {
    /** Probe {@code GET /api/versions}: a JSON array means JSON-RPC (25.04+), anything else the legacy protocol (24.10). */
    AUTO,
    /** JSON-RPC 2.0 at {@code /api/current} (or the pinned {@code /api/vXX.YY.Z}), TrueNAS 25.04+. */
    JSONRPC,
    /** The legacy DDP-style protocol at {@code /websocket}, the only one TrueNAS 24.10 has. */
    LEGACY
}
