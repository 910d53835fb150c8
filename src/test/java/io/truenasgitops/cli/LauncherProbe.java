package io.truenasgitops.cli;

import java.lang.management.ManagementFactory;

/**
 * Stands in for the application in {@link LauncherScriptTest}: prints the JVM flags and the arguments it got,
 * one per line, and exits with the code of {@code PROBE_EXIT} (default 0).
 */
public final class LauncherProbe {

    private LauncherProbe() {}

    public static void main(String... args) {
        ManagementFactory.getRuntimeMXBean().getInputArguments().forEach(a -> System.out.println("flag " + a));
        for (String arg : args) {
            System.out.println("arg " + arg);
        }
        System.exit(Integer.parseInt(System.getenv().getOrDefault("PROBE_EXIT", "0")));
    }
}
