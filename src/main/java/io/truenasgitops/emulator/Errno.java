package io.truenasgitops.emulator;

import java.util.Map;

/** The errno values and names the middleware puts on the wire (Linux errno plus TrueNAS' own 2xx codes). */
final class Errno {
    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EAGAIN = 11;
    static final int EACCES = 13;
    static final int EFAULT = 14;
    static final int EBUSY = 16;
    static final int EEXIST = 17;
    static final int EINVAL = 22;
    static final int EOPNOTSUPP = 95;
    static final int ETOOMANYREFS = 109;
    static final int ENOMETHOD = 201;
    static final int ENOTAUTHENTICATED = 207;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(EPERM, "EPERM"), Map.entry(ENOENT, "ENOENT"), Map.entry(EAGAIN, "EAGAIN"),
            Map.entry(EACCES, "EACCES"), Map.entry(EFAULT, "EFAULT"), Map.entry(EBUSY, "EBUSY"),
            Map.entry(EEXIST, "EEXIST"), Map.entry(EINVAL, "EINVAL"), Map.entry(EOPNOTSUPP, "EOPNOTSUPP"),
            Map.entry(ETOOMANYREFS, "ETOOMANYREFS"), Map.entry(ENOMETHOD, "ENOMETHOD"),
            Map.entry(ENOTAUTHENTICATED, "ENOTAUTHENTICATED"));

    private Errno() {}

    static String name(Integer errno) {
        if (errno == null) {
            return null;
        }
        return NAMES.getOrDefault(errno, "E" + errno);
    }

    /** Reverse lookup for control-API users who name an errno ({@code "EFAULT"}). */
    static int byName(String name) {
        return NAMES.entrySet().stream()
                .filter(e -> e.getValue().equals(name))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown errno name '" + name + "'"));
    }
}
