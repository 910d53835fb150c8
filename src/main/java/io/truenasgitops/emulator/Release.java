package io.truenasgitops.emulator;

/** Which TrueNAS release the emulator pretends to be; decides endpoints, auth methods and protocol quirks. */
public enum Release {
    /**
     * 24.10 "Electric Eel": only the legacy {@code /websocket} endpoint, which answers {@code ping}; no
     * {@code auth.login_ex}, {@code core.subscribe} or {@code core.set_options}; {@code /api/...} redirects to
     * {@code /ui/}; API keys are not user-linked and never revoked; rate limiting ignores authentication.
     */
    V24_10,
    /**
     * 25.04 "Fangtooth" (25.04.2): JSON-RPC 2.0 at {@code /api/current} and {@code /api/v25.04.x}, legacy
     * {@code /websocket} without a ping answer, user-linked API keys revoked when sent over an insecure transport.
     */
    V25_04
}
