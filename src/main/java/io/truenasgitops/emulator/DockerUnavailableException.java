package io.truenasgitops.emulator;

/**
 * {@code --docker} cannot run apps here: no Docker Engine answers, or no Docker Compose is installed. The message
 * says which and what to do, in one line; {@code demo --docker} prints it and exits 2.
 */
public final class DockerUnavailableException extends IllegalStateException {
    private final String reason;

    DockerUnavailableException(String reason) {
        super("emulator: --docker: " + reason);
        this.reason = reason;
    }

    /** What is missing and what to do, without the "emulator: --docker:" prefix. */
    public String reason() {
        return reason;
    }
}
