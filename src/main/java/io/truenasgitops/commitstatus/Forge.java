package io.truenasgitops.commitstatus;

import java.util.Locale;
import java.util.Optional;

/**
 * The Git hosts whose commit status API the daemon speaks: the forges the webhook receiver knows, plus Bitbucket
 * Cloud. Gitea and Forgejo share one API.
 */
public enum Forge {
    GITHUB("github", "GitHub", 140),
    GITLAB("gitlab", "GitLab", 255),
    GITEA("gitea", "Gitea", 255),
    FORGEJO("forgejo", "Forgejo", 255),
    BITBUCKET("bitbucket", "Bitbucket", 255);

    private final String id;
    private final String label;
    private final int descriptionLimit;

    Forge(String id, String label, int descriptionLimit) {
        this.id = id;
        this.label = label;
        this.descriptionLimit = descriptionLimit;
    }

    /** The lowercase name of the configuration, metrics and logs. */
    public String id() {
        return id;
    }

    /** The name people know. */
    public String label() {
        return label;
    }

    /**
     * The longest description the host takes: GitHub refuses more than 140 characters (422 "description is too
     * long"); the others are kept to 255, which every one of them stores.
     */
    public int descriptionLimit() {
        return descriptionLimit;
    }

    /**
     * The forge of {@code word} ({@code github}, {@code gitlab}, {@code gitea}, {@code forgejo}, {@code bitbucket}).
     *
     * @throws IllegalArgumentException naming {@code key} and the words it takes
     */
    public static Forge parse(String word, String key) {
        for (Forge f : values()) {
            if (f.id.equals(word.strip().toLowerCase(Locale.ROOT))) {
                return f;
            }
        }
        throw new IllegalArgumentException(key + ": unknown Git host '" + word
                + "'; use github, gitlab, gitea, forgejo or bitbucket");
    }

    /**
     * The forge a host name tells: github.com, bitbucket.org, codeberg.org (Forgejo), or a host with "gitlab",
     * "forgejo" or "gitea" in its name; empty for any other host (then the configuration must name it).
     */
    public static Optional<Forge> detect(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.equals("github.com")) {
            return Optional.of(GITHUB);
        }
        if (h.equals("bitbucket.org")) {
            return Optional.of(BITBUCKET);
        }
        if (h.contains("gitlab")) {
            return Optional.of(GITLAB);
        }
        if (h.equals("codeberg.org") || h.contains("forgejo")) {
            return Optional.of(FORGEJO);
        }
        if (h.contains("gitea")) {
            return Optional.of(GITEA);
        }
        return Optional.empty();
    }
}
