package io.truenasgitops.compose;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The data folders of a rendered compose ({@link DataFolder}), from the relative bind mounts that
 * {@link TrueNasValidator} rewrote under the host base path (files of the stack folder were delivered as configs by
 * {@link FileMounts} before, so what is left is data). The owner is the service's {@code user:}: {@code "a:b"} is
 * a:b, {@code "a"} is a:a, none is TrueNAS's {@code apps} user 568:568; a user or group given by name cannot be
 * resolved from the repository, so 568:568 with a warning. Pure.
 */
public final class DataFolders {

    private DataFolders() {}

    /** A relative bind that was rewritten: the service, where the mount is, and the folder on the NAS. */
    public record Bind(String service, String path, String hostPath, String basePath) {}

    /** The folders, sorted by path (a parent before its children), and the warnings about their owners. */
    public record Result(List<DataFolder> folders, List<Problem> problems) {
        public Result {
            folders = List.copyOf(folders);
            problems = List.copyOf(problems);
        }
    }

    private static final Pattern ID = Pattern.compile("\\d{1,10}");

    /** The data folders of {@code compose} (the validated tree), one per host path, the first service's owner. */
    public static Result derive(Map<String, Object> compose, List<Bind> binds, SourceMap sm) {
        Map<String, DataFolder> byPath = new TreeMap<>();
        List<Problem> problems = new ArrayList<>();
        Map<String, Boolean> warnedUser = new TreeMap<>();
        for (Bind b : binds) {
            Object user = user(compose, b.service());
            int[] owner = owner(user);
            if (owner == null) {
                owner = new int[] {DataFolder.APPS_ID, DataFolder.APPS_ID};
                if (warnedUser.put(b.service(), true) == null) {
                    problems.add(sm.warning("services." + b.service() + ".user", "service '" + b.service()
                            + "' runs as '" + user + "', a name that cannot be looked up from the repository: its data"
                            + " folder " + b.hostPath() + " is created owned by 568:568 (TrueNAS's apps user); give"
                            + " the numbers (user: \"UID:GID\") to have it owned by that user"));
                }
            }
            DataFolder folder = new DataFolder(b.hostPath(), b.basePath(), b.service(), owner[0], owner[1]);
            DataFolder first = byPath.putIfAbsent(b.hostPath(), folder);
            if (first != null && !first.owner().equals(folder.owner())) {
                problems.add(sm.warning(b.path(), "data folder " + b.hostPath() + " is shared by services '"
                        + first.service() + "' (" + first.owner() + ") and '" + b.service() + "' (" + folder.owner()
                        + "): it is created owned by " + first.owner() + ", the first's; give both the same 'user:'"
                        + " or each a folder of its own"));
            }
        }
        return new Result(List.copyOf(byPath.values()), problems);
    }

    private static Object user(Map<String, Object> compose, String service) {
        if (compose != null && compose.get("services") instanceof Map<?, ?> services
                && services.get(service) instanceof Map<?, ?> def) {
            return def.get("user");
        }
        return null;
    }

    /** uid and gid of a {@code user:} value; {@code {568, 568}} for none; null for a name. */
    static int[] owner(Object user) {
        if (user == null || user instanceof String s && s.isBlank()) {
            return new int[] {DataFolder.APPS_ID, DataFolder.APPS_ID};
        }
        String text = user instanceof Number n ? String.valueOf(n.longValue()) : String.valueOf(user).strip();
        int colon = text.indexOf(':');
        String u = colon < 0 ? text : text.substring(0, colon);
        String g = colon < 0 ? u : text.substring(colon + 1);
        if (!ID.matcher(u).matches() || !ID.matcher(g).matches()) {
            return null;
        }
        try {
            return new int[] {Integer.parseInt(u), Integer.parseInt(g)};
        } catch (NumberFormatException e) {
            return null; // over 2^31: no such id on the NAS
        }
    }
}
