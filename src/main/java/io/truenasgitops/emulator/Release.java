package io.truenasgitops.emulator;

import java.util.ArrayList;
import java.util.List;

/**
 * Which TrueNAS release the emulator pretends to be; decides endpoints, auth methods and protocol quirks. The
 * constants are in release order, so {@link #atLeast} says "this release or a later one".
 */
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
     * {@code active_workloads} has {@code used_host_ips}; jobs have {@code message_ids}; snapshots are
     * {@code pool.snapshot.*}.
     */
    V25_10("25.10.0", "TrueNAS-25.10.0"),
    /**
     * 26.0 (stable/26, 26.0.0-RC.1): as 25.10, plus SCRAM-SHA-512 API-key logins in {@code auth.login_ex}
     * (channel-bound to the TLS certificate when the client asks), {@code auth.mechanism_choices} answering
     * anonymous sessions, API keys refused on the unix socket, failed {@code app.create} jobs carrying the
     * containers' logs ({@code logs_excerpt}), {@code pool.snapshot.query} with properties only when asked, the
     * libzfs rollback messages and internal paths ({@code <pool>/ix-apps}) protected from snapshots.
     */
    V26_0("26.0.0-RC.1", "TrueNAS-26.0.0-RC.1"),
    /**
     * 27.0 (master, 27.0.0-BETA.1): as 26.0, plus the v27 API at {@code /api/current}, where
     * {@code auth.login_with_api_key} and {@code auth.login} are private ({@code removed_in='v27'}); app state
     * {@code ERROR} with {@code error_reason} (an app whose metadata cannot be read: it can only be deleted);
     * exit codes 0, 129, 130, 137 and 143 are "exited", not crashes.
     */
    V27_0("27.0.0-BETA.1", "TrueNAS-27.0.0-BETA.1");

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

    /** Whether this is {@code other} or a later release. */
    public boolean atLeast(Release other) {
        return compareTo(other) >= 0;
    }

    /** Whether this release serves JSON-RPC 2.0 at {@code /api/current} (25.04 and later). */
    public boolean jsonRpc() {
        return this != V24_10;
    }

    /** Whether {@code auth.login_ex} takes the SCRAM mechanism (26.0 and later). */
    public boolean scram() {
        return atLeast(V26_0);
    }

    /**
     * {@code GET /api/versions}: the API versions this release serves, oldest first, without {@code v24.10}
     * ({@code main.py api_versions_handler}); the last one is {@code /api/current}. From the {@code api/v*}
     * folders of each release's branch (27.0 adds the aliases {@code v25.10.3} and {@code v25.10.4},
     * {@code api/aliases.py}).
     */
    public List<String> apiVersions() {
        List<String> out = new ArrayList<>(List.of("v25.04.0", "v25.04.1", "v25.04.2"));
        if (atLeast(V25_10)) {
            out.add("v25.10.0");
        }
        if (atLeast(V26_0)) {
            out.addAll(List.of("v25.10.1", "v25.10.2", "v25.10.3", "v25.10.4", "v25.10.5", "v26.0.0"));
        }
        if (atLeast(V27_0)) {
            out.add("v27.0.0");
        }
        return jsonRpc() ? out : List.of();
    }

    /** The API version {@code /api/current} is on this release (null for 24.10, which has no JSON-RPC). */
    public String currentApiVersion() {
        List<String> versions = apiVersions();
        return versions.isEmpty() ? null : versions.get(versions.size() - 1);
    }
}
