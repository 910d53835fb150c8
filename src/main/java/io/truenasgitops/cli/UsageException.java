package io.truenasgitops.cli;

/** A command was given arguments or configuration it cannot work with; exits with {@link ExitCodes#USAGE}. */
public class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }
}
