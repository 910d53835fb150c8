package io.truenasgitops.api;

/** Which Git server sent a webhook, told by its event header. */
public enum GitProvider {
    GITHUB("github"),
    GITEA("gitea"),
    FORGEJO("forgejo"),
    GITLAB("gitlab"),
    /** Anything else signing its body with {@code X-Signature-256} (scripts, CI jobs, other servers). */
    GENERIC("generic");

    private final String id;

    GitProvider(String id) {
        this.id = id;
    }

    /** The lowercase name used in responses and logs. */
    public String id() {
        return id;
    }

    /** Identifies the sender from its event headers; {@link #GENERIC} when none is present. */
    static GitProvider detect(HeaderLookup headers) {
        if (headers.get("X-Forgejo-Event") != null) {
            return FORGEJO;
        }
        if (headers.get("X-Gitea-Event") != null || headers.get("X-Gogs-Event") != null) {
            return GITEA;
        }
        if (headers.get("X-Gitlab-Event") != null) {
            return GITLAB;
        }
        if (headers.get("X-GitHub-Event") != null) {
            return GITHUB;
        }
        return GENERIC;
    }
}
