package io.truenasgitops.commitstatus;

import java.util.Objects;

/**
 * One status to set on a commit.
 *
 * @param revision the full commit id
 * @param context the status's name on the commit ({@code truenas-gitops/media}): one per stack
 * @param stack the stack it is about
 * @param state pending, success or failure
 * @param description one line: what is being done, or the reason
 * @param targetUrl the stack's page on the daemon's status page, or null
 */
public record CommitStatus(String revision, String context, String stack, CommitState state, String description,
        String targetUrl) {

    public CommitStatus {
        Objects.requireNonNull(revision, "revision");
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(state, "state");
        description = description == null ? "" : description.strip().replaceAll("\\s+", " ");
    }

    /** How logs name it: {@code truenas-gitops/media failure at 1a2b3c4d5e6f}. */
    public String title() {
        return context + " " + state.name().toLowerCase(java.util.Locale.ROOT) + " at "
                + io.truenasgitops.git.Snapshot.shorten(revision);
    }
}
