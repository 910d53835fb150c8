package io.truenasgitops.cli;

/** Exit codes shared by every command; documented in {@code --help}. */
public final class ExitCodes {
    /** The command did what was asked (for plan: nothing to change). */
    public static final int OK = 0;
    /** The operation failed (for plan: changes are pending; for validate: problems found). */
    public static final int FAILED = 1;
    /** Bad usage or configuration: nothing was attempted. */
    public static final int USAGE = 2;
    /**
     * The NAS could not be reached or refused the credentials, or cannot run apps right now (its apps service,
     * Docker, is not RUNNING: stopped, no pool chosen, still starting): nothing about the stacks is wrong,
     * try again once the NAS is ready.
     */
    public static final int CONNECTION = 3;

    private ExitCodes() {}
}
