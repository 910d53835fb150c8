package io.truenasgitops.images;

import io.truenasgitops.compose.Problem;
import io.truenasgitops.compose.SourceMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads the {@code imagePolicy:} of a stack.yaml: one policy for every service of the stack, or a mapping of service
 * name to policy; wrong keys and values are problems with file and line.
 */
public final class ImagePolicyReader {

    /** The keys a policy may have. */
    public static final List<String> KEYS = List.of("semver", "pattern", "order");

    /** The service name under which a policy for every service is kept. */
    public static final String EVERY_SERVICE = "*";

    private static final Pattern SERVICE = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");

    private ImagePolicyReader() {}

    /** The policies by service name ({@link #EVERY_SERVICE} for one that covers all); empty without the key. */
    public static Map<String, ImagePolicy> read(Object value, SourceMap sm, List<Problem> problems) {
        Map<String, ImagePolicy> out = new LinkedHashMap<>();
        if (value == null) {
            return out;
        }
        if (!(value instanceof Map<?, ?> m) || m.isEmpty()) {
            problems.add(sm.error("imagePolicy", "'imagePolicy' is a policy (semver, pattern, order) for every service,"
                    + " or a mapping of service name to policy, not '" + value + "'"));
            return out;
        }
        if (m.keySet().stream().anyMatch(k -> KEYS.contains(String.valueOf(k)))) {
            ImagePolicy p = policy(m, "imagePolicy", sm, problems);
            if (p != null) {
                out.put(EVERY_SERVICE, p);
            }
            return out;
        }
        m.forEach((service, policy) -> {
            String path = SourceMap.child("imagePolicy", String.valueOf(service));
            if (!SERVICE.matcher(String.valueOf(service)).matches()) {
                problems.add(sm.error(path, "'imagePolicy' names services of the compose file, not '" + service + "'"));
            } else if (!(policy instanceof Map<?, ?> pm)) {
                problems.add(sm.error(path, "the image policy of service " + service + " is a mapping of "
                        + String.join(", ", KEYS) + ", not '" + policy + "'"));
            } else {
                ImagePolicy p = policy(pm, path, sm, problems);
                if (p != null) {
                    out.put(String.valueOf(service), p);
                }
            }
        });
        return out;
    }

    private static ImagePolicy policy(Map<?, ?> m, String path, SourceMap sm, List<Problem> problems) {
        int before = problems.size();
        for (Object k : m.keySet()) {
            if (!KEYS.contains(String.valueOf(k))) {
                problems.add(sm.error(SourceMap.child(path, String.valueOf(k)), "unknown setting '" + k
                        + "' in an image policy: it knows " + String.join(", ", KEYS)));
            }
        }
        SemVerRange range = null;
        if (m.containsKey("semver")) {
            Object v = m.get("semver");
            try {
                range = SemVerRange.parse(v instanceof String s ? s : v == null ? "" : String.valueOf(v));
            } catch (SemVerRange.InvalidRangeException e) {
                problems.add(sm.error(SourceMap.child(path, "semver"), "'semver' is a version range such as ^1.4,"
                        + " ~2.3.1 or >=1.0 <2, not '" + v + "': " + e.getMessage()));
            }
        }
        Pattern pattern = null;
        if (m.containsKey("pattern")) {
            Object v = m.get("pattern");
            try {
                if (!(v instanceof String s) || s.isEmpty()) {
                    throw new PatternSyntaxException("not a text", String.valueOf(v), -1);
                }
                pattern = Pattern.compile(s);
            } catch (PatternSyntaxException e) {
                problems.add(sm.error(SourceMap.child(path, "pattern"), "'pattern' is a regular expression the whole"
                        + " tag must match (a group named version picks what is compared), not '" + v + "'"));
            }
        }
        ImagePolicy.Order order = null;
        if (m.containsKey("order")) {
            Object v = m.get("order");
            if (v instanceof String s && (s.equalsIgnoreCase("alphabetical") || s.equalsIgnoreCase("numerical"))) {
                order = ImagePolicy.Order.valueOf(s.toUpperCase(Locale.ROOT));
            } else {
                problems.add(sm.error(SourceMap.child(path, "order"), "'order' is alphabetical or numerical, not '"
                        + v + "'"));
            }
            if (m.containsKey("semver")) {
                problems.add(sm.error(SourceMap.child(path, "order"), "'order' and 'semver' do not go together: a semver"
                        + " range orders versions itself; remove 'order'"));
            }
        } else if (!m.containsKey("semver")) {
            problems.add(sm.error(path, "an image policy needs 'semver' (a version range) or 'order' (alphabetical or"
                    + " numerical, with a 'pattern' for the tags to consider)"));
        }
        return problems.size() > before ? null : new ImagePolicy(range, pattern, order);
    }
}
