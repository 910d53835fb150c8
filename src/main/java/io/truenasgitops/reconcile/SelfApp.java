package io.truenasgitops.reconcile;

import io.truenasgitops.truenas.App;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the daemon's own app on a NAS: the app one of whose containers is the container this process runs in.
 * The detection is pure ({@link #containerId}, {@link #appsRunning}); reading {@code /proc} is the one edge
 * ({@link #ownContainerId()}). A pass never creates, updates, adopts, stops, starts or deletes such an app
 * (docs/reconcile.md, "The daemon's own app").
 */
public final class SelfApp {

    private SelfApp() {}

    // A Docker/containerd container id: 64 lowercase hex digits, in a cgroup path (".../docker/<id>",
    // ".../docker-<id>.scope", ".../cri-containerd-<id>.scope") or a mount source ("/containers/<id>/hostname").
    private static final Pattern FULL_ID = Pattern.compile("(?<![0-9a-f])([0-9a-f]{64})(?![0-9a-f])");
    private static final Pattern MOUNT_ID = Pattern.compile("/containers/([0-9a-f]{64})/");
    // Docker's default hostname is the first 12 digits of the container id.
    private static final Pattern SHORT_ID = Pattern.compile("[0-9a-f]{12}");

    /**
     * The id of the container this process runs in, from the text of {@code /proc/self/cgroup} (cgroup v1 names
     * it; v2 shows only {@code 0::/}), else {@code /proc/self/mountinfo} (the bind mounts of
     * {@code /etc/hostname} and friends come from {@code .../containers/<id>/}), else the hostname when it looks
     * like Docker's default (the id's first 12 digits). Empty when none tells: then only the configured self
     * name protects the daemon. Any argument may be null (not readable).
     */
    public static Optional<String> containerId(String cgroup, String mountinfo, String hostname) {
        if (cgroup != null) {
            Matcher m = FULL_ID.matcher(cgroup);
            if (m.find()) {
                return Optional.of(m.group(1));
            }
        }
        if (mountinfo != null) {
            Matcher m = MOUNT_ID.matcher(mountinfo);
            if (m.find()) {
                return Optional.of(m.group(1));
            }
        }
        if (hostname != null) {
            String h = hostname.strip().toLowerCase(Locale.ROOT);
            if (SHORT_ID.matcher(h).matches()) {
                return Optional.of(h);
            }
        }
        return Optional.empty();
    }

    /**
     * The names of the apps among {@code apps} one of whose active workloads' containers is {@code containerId}
     * (a full id, or the 12-digit short id read from a hostname: then a prefix match).
     */
    public static Set<String> appsRunning(Optional<String> containerId, List<App> apps) {
        Set<String> out = new TreeSet<>();
        if (containerId.isEmpty() || containerId.get().length() < 12) {
            return out;
        }
        String id = containerId.get();
        for (App a : apps) {
            if (a.containers() == null) {
                continue;
            }
            for (App.Container c : a.containers()) {
                if (c.id() != null && (c.id().equals(id) || (id.length() < 64 && c.id().startsWith(id)))) {
                    out.add(a.name());
                }
            }
        }
        return out;
    }

    /** Reads {@code /proc/self/cgroup}, {@code /proc/self/mountinfo} and the hostname: the edge of the detection. */
    public static Optional<String> ownContainerId() {
        return containerId(read(Path.of("/proc/self/cgroup")), read(Path.of("/proc/self/mountinfo")),
                read(Path.of("/etc/hostname")));
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
