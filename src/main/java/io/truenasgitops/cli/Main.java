package io.truenasgitops.cli;

import io.quarkus.runtime.ApplicationLifecycleManager;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusBindException;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.truenasgitops.app.DemoEnvironment;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;

/**
 * The one entry point of the jar: the daemon ({@code serve}, {@code demo}) and every short CLI command.
 *
 * <p>Only the daemon boots Quarkus (CDI, HTTP, scheduler, config mappings). Every other command line, including
 * {@code serve --help}, runs picocli on plain objects ({@link Commands}) and never starts the Quarkus runtime:
 * booting it cost seconds of CPU for commands that need none of it. Logs of a short command go to stderr
 * ({@link CliLogging}), so that stdout carries only the command's output.
 */
@QuarkusMain
public class Main implements QuarkusApplication {

    /** Commands that run the HTTP surfaces and the reconcile loop. */
    static final Set<String> DAEMON_COMMANDS = Set.of("serve", "demo");

    private static final String JSON_LOGS = "quarkus.log.console.json.enabled";

    @Inject
    CommandLine.IFactory factory;

    public static void main(String... args) {
        if (!isDaemonRun(args)) {
            int code = runShortCommand(args);
            exitHandler().accept(code, null);
            return;
        }
        // Quarkus sets vertx.disableWebsockets=true JVM-wide at boot unless it is already set, and Vert.x reads
        // it once: the TrueNAS client (a WebSocket client) would then never complete an upgrade.
        if (System.getProperty("vertx.disableWebsockets") == null) {
            System.setProperty("vertx.disableWebsockets", "false");
        }
        List<String> set = new ArrayList<>();
        if (System.console() != null && System.getProperty(JSON_LOGS) == null
                && System.getenv("QUARKUS_LOG_CONSOLE_JSON_ENABLED") == null) {
            // A daemon started from a terminal logs readable lines; in a container (no TTY) JSON lines.
            System.setProperty(JSON_LOGS, "false");
            set.add(JSON_LOGS);
        }
        DemoEnvironment demo = null;
        try {
            if ("demo".equals(args[0])) {
                // The demo's NAS and repository must exist before Quarkus reads the configuration.
                try {
                    demo = DemoEnvironment.prepare(demoExample(args), Arrays.asList(args).contains("--keep"),
                            demoDockerAppPort(args), !Arrays.asList(args).contains("--no-app-datasets"));
                } catch (RuntimeException e) {
                    io.truenasgitops.emulator.DockerUnavailableException missing = dockerCause(e);
                    if (missing == null) {
                        throw e;
                    }
                    System.err.println(dockerUnavailable(missing));
                    System.err.flush();
                    exitHandler().accept(USAGE_EXIT_CODE, e);
                    return;
                }
                Map<String, String> props = new java.util.LinkedHashMap<>(demo.daemonProperties());
                if (Arrays.asList(args).contains("--once")) {
                    // One pass and out: no listener (nothing would be there long enough to look at).
                    props.put("quarkus.http.host-enabled", "false");
                }
                props.forEach((key, value) -> {
                    // What the person set wins (-D or its environment variable): e.g. QUARKUS_HTTP_PORT, or
                    // TRUENAS_GITOPS_RECONCILE_INTERVAL for a demo that only syncs on request.
                    if (System.getProperty(key) == null && System.getenv(envName(key)) == null) {
                        System.setProperty(key, value);
                        set.add(key);
                    }
                });
            }
            DemoEnvironment prepared = demo;
            java.util.function.BiConsumer<Integer, Throwable> exit = exitHandler();
            Quarkus.run(Main.class, (code, failure) -> {
                QuarkusBindException taken = bindFailure(failure);
                if (taken != null) {
                    // Quarkus logs "kill -9" advice; say which port it was and how to choose another.
                    System.err.println(portTaken(taken, args[0]));
                    System.err.flush();
                    if (prepared != null) {
                        prepared.close(); // exit() does not come back to the finally below
                    }
                    exit.accept(USAGE_EXIT_CODE, failure);
                } else {
                    exit.accept(code, failure);
                }
            }, args);
        } finally {
            if (demo != null) {
                demo.close();
            }
            // @QuarkusMainTest runs this in the test JVM: do not leak CLI settings into later tests.
            set.forEach(System::clearProperty);
        }
    }

    /**
     * Whether this command line runs the daemon: {@code serve} or {@code demo}, unless it only asks for help or
     * the version (help never boots a listener, an emulator or a demo folder).
     */
    static boolean isDaemonRun(String... args) {
        if (args.length == 0 || !DAEMON_COMMANDS.contains(args[0])) {
            return false;
        }
        for (int i = 1; i < args.length; i++) {
            if ("--".equals(args[i])) {
                break;
            }
            if (Set.of("-h", "--help", "-V", "--version", "help").contains(args[i])) {
                return false;
            }
        }
        return true;
    }

    /** The CLI's exit code for a configuration that cannot work. */
    static final int USAGE_EXIT_CODE = ExitCodes.USAGE;

    /** What Quarkus would do on exit (System.exit, or the test launcher's capture). */
    private static java.util.function.BiConsumer<Integer, Throwable> exitHandler() {
        java.util.function.BiConsumer<Integer, Throwable> handler = ApplicationLifecycleManager.getDefaultExitCodeHandler();
        return handler != null ? handler : (code, failure) -> System.exit(code);
    }

    /** The {@link io.truenasgitops.emulator.DockerUnavailableException} behind {@code e}, or null. */
    static io.truenasgitops.emulator.DockerUnavailableException dockerCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof io.truenasgitops.emulator.DockerUnavailableException d) {
                return d;
            }
        }
        return null;
    }

    /** The one line {@code demo --docker} prints when it cannot run containers here (exit 2, no trace). */
    static String dockerUnavailable(io.truenasgitops.emulator.DockerUnavailableException e) {
        return "error: demo --docker: " + e.reason().strip().replaceAll("\\s*\\R\\s*", " ")
                + " (or run the demo without --docker: its apps are then emulated in memory)";
    }

    /** The port clash behind a failed start, or null. */
    static QuarkusBindException bindFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof QuarkusBindException bind) {
                return bind;
            }
        }
        return null;
    }

    /** Which address was taken and how to pick another, for {@code serve} and {@code demo}. */
    static String portTaken(QuarkusBindException taken, String command) {
        int port = taken.getPort();
        int other = port == 65535 ? 8081 : port + 1;
        return "error: port " + port + " on " + taken.getHost() + " (quarkus.http.port) is already in use, perhaps by"
                + " another " + command + " or serve still running: stop that, or pick another port with"
                + " QUARKUS_HTTP_PORT=" + other + " (or -Dquarkus.http.port=" + other + ")";
    }

    /** The environment variable of a configuration key (MicroProfile Config: non-alphanumerics become _). */
    static String envName(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(java.util.Locale.ROOT);
    }

    /**
     * The loopback port of {@code demo --docker}'s app ({@code --app-port N}, default
     * {@link DemoEnvironment#DEFAULT_APP_PORT}), read before picocli runs; null without {@code --docker}.
     */
    static Integer demoDockerAppPort(String... args) {
        List<String> list = Arrays.asList(args);
        if (!list.contains("--docker")) {
            return null;
        }
        String port = null;
        for (int i = 1; i < args.length; i++) {
            if ("--app-port".equals(args[i]) && i + 1 < args.length) {
                port = args[i + 1];
            } else if (args[i].startsWith("--app-port=")) {
                port = args[i].substring("--app-port=".length());
            }
        }
        if (port == null) {
            return DemoEnvironment.DEFAULT_APP_PORT;
        }
        try {
            int p = Integer.parseInt(port);
            if (p < 1 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("demo: --app-port must be a port number (1-65535), not '" + port + "'");
        }
    }

    /** The {@code --example DIR} of {@code demo}, read before picocli runs; null for the default. */
    private static Path demoExample(String... args) {
        for (int i = 1; i < args.length - 1; i++) {
            if ("--example".equals(args[i])) {
                return Path.of(args[i + 1]);
            }
        }
        for (String arg : args) {
            if (arg.startsWith("--example=")) {
                return Path.of(arg.substring("--example=".length()));
            }
        }
        return null;
    }

    /** A command that is not the daemon: plain picocli, no Quarkus runtime ({@link ShortMain}). */
    static int runShortCommand(String... args) {
        return ShortMain.run(args);
    }

    /** The daemon's command line, inside Quarkus: {@code serve} and {@code demo} get their beans injected. */
    @Override
    public int run(String... args) {
        return RootCommand.commandLineFor(factory, Commands.TOP_LEVEL, args).execute(args);
    }
}
