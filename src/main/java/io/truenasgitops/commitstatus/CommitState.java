package io.truenasgitops.commitstatus;

/** What a commit status says about a stack at that commit. */
public enum CommitState {
    /** The daemon is applying it. */
    PENDING,
    /** Applied and healthy (or pruned as the commit asked). */
    SUCCESS,
    /** The commit could not be applied: invalid, refused by the NAS, unhealthy. */
    FAILURE;

    /** The state word of {@code forge}'s API. */
    public String word(Forge forge) {
        return switch (forge) {
            case GITHUB, GITEA, FORGEJO -> switch (this) {
                case PENDING -> "pending";
                case SUCCESS -> "success";
                case FAILURE -> "failure";
            };
            case GITLAB -> switch (this) {
                case PENDING -> "running";
                case SUCCESS -> "success";
                case FAILURE -> "failed";
            };
            case BITBUCKET -> switch (this) {
                case PENDING -> "INPROGRESS";
                case SUCCESS -> "SUCCESSFUL";
                case FAILURE -> "FAILED";
            };
        };
    }
}
