package io.truenasgitops.compose;

/**
 * One difference between two composes.
 *
 * @param kind added, removed or changed
 * @param path where, e.g. {@code services.web.image} or {@code services.web.ports[0]}
 * @param from the old value (null when added), secrets masked
 * @param to the new value (null when removed), secrets masked
 */
public record Change(Kind kind, String path, Object from, Object to) {

    /** What happened at a path. */
    public enum Kind {
        ADDED,
        REMOVED,
        CHANGED
    }

    /** {@code ~ services.web.image: nginx:1.25 -> nginx:1.27}, one line for logs and plans. */
    public String describe() {
        return switch (kind) {
            case ADDED -> "+ " + path + ": " + ContentHash.canonicalJson(to);
            case REMOVED -> "- " + path + ": " + ContentHash.canonicalJson(from);
            case CHANGED -> "~ " + path + ": " + ContentHash.canonicalJson(from) + " -> " + ContentHash.canonicalJson(to);
        };
    }
}
