package io.truenasgitops.emulator;

/** Which TrueNAS release the emulator pretends to be; decides endpoints, auth methods and protocol quirks. */
public enum Release {
    /**
     * 24.10 "Electric Eel": only the legacy {@code /websocket} endpoint, which answers {@code ping}; no
     * {@code auth.login_ex}, {@code core.subscribe} or {@code core.set_options}; {@code /api/...} redirects to
     * {@code /ui/}; API keys are not user-linked and never revoked; rate limiting ignores authentication.
     */
    V24_10("24.10.2", "TrueNAS-SCALE-24.10.2"),
    /**
     * 25.04 "Fangtooth" (25.04.2): JSON-RPC 2.0 at {@code /api/current} and {@code /api/v25.04.x}, legacy
     * {@code /websocket} without a ping answer, user-linked API keys revoked when sent over an insecure transport.
     */
    V25_04("25.04.2", "TrueNAS-25.04.2"),
    /**
     * 25.10 "Goldeye" (25.10.0): as 25.04, plus {@code /api/v25.10.0}; {@code core.ping} needs no login (and is
     * rate limited like the logins then); {@code core.set_options} answers the session's options;
     * {@code active_workloads} has {@code used_host_ips}; jobs have {@code message_ids}.
     */
    V25_10("25.10.0", "TrueNAS-25.10.0");

    private final String version;
    private final String fullName;

    Release(String version, String fullName) {
        this.version = version;
        this.fullName = fullName;
    }

    /** {@code system.version_short}: the manifest's version, e.g. {@code 25.04.2}. */
    public String version() {
        return version;
    }

    /** {@code system.version}: {@code TrueNAS-SCALE-24.10.2} (24.10), {@code TrueNAS-25.04.2} (25.04+). */
    public String fullName() {
        return fullName;
    }

    /** Whether this release serves JSON-RPC 2.0 at {@code /api/current} (25.04 and later). */
    public boolean jsonRpc() {
        return this != V24_10;
    }
}
