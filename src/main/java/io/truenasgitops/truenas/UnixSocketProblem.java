package io.truenasgitops.truenas;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Turns a failed connect to a unix socket into a message that says what is wrong with the socket file and what to
 * do: most of these failures are a missing or wrong volume mount in the container.
 */
final class UnixSocketProblem {
    static final String NAS_SOCKET = "/var/run/middleware/middlewared.sock";
    private static final String MOUNT_HINT = "mount the NAS's /var/run/middleware directory into the container"
            + " (volumes: - /var/run/middleware:/var/run/middleware; the directory, not the socket file, so that the"
            + " mount still works after the middleware restarts) and point TRUENAS_URL at ws+unix://" + NAS_SOCKET;

    private UnixSocketProblem() {
    }

    static ConnectionLostException explain(String socketPath, Throwable error, String uid) {
        String where = "cannot connect to ws+unix://" + socketPath;
        String cause = rootMessage(error);
        String lower = cause.toLowerCase(Locale.ROOT);
        Path path = Path.of(socketPath);
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS) && !lower.contains("permission denied")) {
            Path dir = path.getParent();
            String missing = dir != null && !Files.isDirectory(dir)
                    ? "neither the socket file nor its directory " + dir + " exists"
                    : "the socket file " + socketPath + " does not exist (the middleware is not running, or this"
                            + " is not the NAS's directory)";
            return new ConnectionLostException(where + ": " + missing + "; " + MOUNT_HINT, error);
        }
        if (Files.exists(path) && !isSocket(path)) {
            return new ConnectionLostException(where + ": " + socketPath + " is not a unix socket but a "
                    + (Files.isDirectory(path) ? "directory" : "file") + "; " + MOUNT_HINT, error);
        }
        if (lower.contains("permission denied") || lower.contains("eacces")) {
            return new ConnectionLostException(where + ": permission denied for uid " + uid + " (" + cause + ");"
                    + " connecting needs write permission on the socket file (the middleware makes it 0666) and"
                    + " search permission on every directory above it: check the mount's ownership and mode, and the"
                    + " container's security profile (AppArmor, SELinux)", error);
        }
        if (lower.contains("connection refused") || lower.contains("econnrefused")) {
            return new ConnectionLostException(where + ": nothing listens on the socket (" + cause + "); the"
                    + " middleware is stopped or restarting: check 'systemctl status middlewared' on the NAS; the"
                    + " daemon keeps retrying", error);
        }
        return new ConnectionLostException(where + ": " + cause, error);
    }

    private static boolean isSocket(Path path) {
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode");
            return (mode & 0170000) == 0140000;
        } catch (Exception | LinkageError e) {
            return true; // cannot tell: let the connect error speak
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
