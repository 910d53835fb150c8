package io.truenasgitops.git;

/** TEMPORARY stand-in until branch git is merged (replaced by theirs). */
public class GitSourceException extends RuntimeException {
    public GitSourceException(String message) {
        super(message);
    }

    public boolean isRetryable() {
        return true;
    }
}
