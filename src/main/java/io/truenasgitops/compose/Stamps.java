package io.truenasgitops.compose;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Puts the {@value Stamp#KEY} ownership mark into a compose, reads it back from a live config, and removes it. */
public final class Stamps {

    /** The stamp's field listing where the applied compose held secrets ({@link Stamp#secretPaths}). */
    static final String SECRETS = "secrets";

    private Stamps() {}

    /** A copy of {@code compose} with the stamp added (replacing any stamp already there); key order kept. */
    public static Map<String, Object> apply(Map<String, Object> compose, Stamp stamp) {
        Map<String, Object> out = compose instanceof TreeMap<?, ?> ? new TreeMap<>(compose) : new LinkedHashMap<>(compose);
        Map<String, Object> mark = new TreeMap<>();
        mark.put("hash", stamp.hash());
        mark.put("path", stamp.path());
        mark.put("revision", stamp.revision());
        if (!stamp.secretPaths().isEmpty()) {
            mark.put(SECRETS, stamp.secretPaths());
        }
        mark.put("source", stamp.source());
        out.put(Stamp.KEY, mark);
        return out;
    }

    /**
     * The stamp of a live config ({@code app.config}), if it has a well-formed one. A stamp with missing fields
     * (edited by hand) is not trusted: it reads as absent.
     */
    public static Optional<Stamp> read(Map<String, Object> liveConfig) {
        if (liveConfig == null || !(liveConfig.get(Stamp.KEY) instanceof Map<?, ?> mark)) {
            return Optional.empty();
        }
        Object source = mark.get("source");
        Object path = mark.get("path");
        Object revision = mark.get("revision");
        Object hash = mark.get("hash");
        if (!(source instanceof String s) || !(path instanceof String p) || !(revision instanceof String r)
                || !(hash instanceof String h)) {
            return Optional.empty();
        }
        // a malformed list (edited by hand) only loses what it would have masked; ownership does not depend on it
        List<String> secrets = mark.get(SECRETS) instanceof List<?> l
                ? l.stream().filter(String.class::isInstance).map(String.class::cast).toList() : List.of();
        return Optional.of(new Stamp(s, p, r, h, secrets));
    }

    /** A copy of {@code config} without the stamp. */
    public static Map<String, Object> strip(Map<String, Object> config) {
        Map<String, Object> out = config instanceof TreeMap<?, ?> ? new TreeMap<>(config) : new LinkedHashMap<>(config);
        out.remove(Stamp.KEY);
        return out;
    }
}
