package io.truenasgitops.cli;

import picocli.CommandLine;

/**
 * The plain entry point of every short command: {@code java -cp <class path> io.truenasgitops.cli.ShortMain ARGS}.
 *
 * <p>The launcher runs every command but {@code serve}, {@code demo} and {@code emulator} through this class, on a
 * plain class path (the application jar and the libraries short commands use), not through Quarkus' runner: the
 * runner's own class loader defines the application's classes, so a CDS archive could hold only the JDK's. On a
 * plain class path the archive the launcher trains holds every class a command loads. Nothing here references
 * Quarkus, CDI or the JBoss LogManager (they are not on that class path): logging goes to
 * {@code java.util.logging}, set up by {@link CliLogging}.
 */
public final class ShortMain {

    private static final String VERTX_DNS = "vertx.disableDnsResolver";

    private ShortMain() {}

    /** Runs one short command and exits with its exit code. */
    public static void main(String... args) {
        if (args.length == 1 && ("--version".equals(args[0]) || "-V".equals(args[0]))) {
            // What picocli prints for the root's --version, without building a command line by reflection (most of
            // the cost of this command).
            System.exit(printVersion(System.out));
        }
        routeLibraryLogging();
        if (System.getProperty(VERTX_DNS) == null) {
            // A one-shot command resolves the NAS's name once: the JDK's resolver, not Vert.x's own DNS client
            // (Netty's DNS codec and resolver, set up when Vert.x starts).
            System.setProperty(VERTX_DNS, "true");
        }
        System.exit(run(args));
    }

    /** The root command's version line: the jar manifest's version (the Maven project version), or "dev". */
    static String versionLine() {
        String version = ShortMain.class.getPackage().getImplementationVersion();
        return "truenas-gitops " + (version == null ? "dev" : version);
    }

    /** Prints the root command's version lines, as picocli's {@code --version} does. */
    static int printVersion(java.io.PrintStream out) {
        out.println(versionLine());
        out.flush();
        return ExitCodes.OK;
    }

    /** Runs one short command with the CLI's logging; returns its exit code. */
    static int run(String... args) {
        AutoCloseable logging = CliLogging.configure();
        try {
            return RootCommand.commandLineFor(CommandLine.defaultFactory(), Commands.TOP_LEVEL, args).execute(args);
        } finally {
            try {
                logging.close();
            } catch (Exception e) {
                // restoring the log set-up cannot fail
            }
        }
    }

    /**
     * JBoss Logging and SLF4J (JGit, Netty) log to {@code java.util.logging} unless told otherwise: without the
     * JBoss LogManager, JBoss Logging would otherwise probe for other back-ends, and SLF4J would print a warning
     * that it found no provider. Inside the daemon (Quarkus) both are already bound, and this changes nothing.
     */
    static void routeLibraryLogging() {
        if (System.getProperty("org.jboss.logging.provider") == null && !onJBossLogManager()) {
            System.setProperty("org.jboss.logging.provider", "jdk");
        }
        if (System.getProperty("slf4j.provider") == null && !onJBossLogManager()) {
            System.setProperty("slf4j.provider", JulSlf4jProvider.class.getName());
        }
    }

    /** Whether the JVM-wide {@code java.util.logging} manager is the JBoss LogManager (Quarkus' runner installs it). */
    private static boolean onJBossLogManager() {
        return "org.jboss.logmanager.LogManager".equals(System.getProperty("java.util.logging.manager"));
    }
}
