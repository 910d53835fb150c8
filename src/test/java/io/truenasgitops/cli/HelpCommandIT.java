package io.truenasgitops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every command and subcommand, launched like the jar, answers {@code --help} and {@code help COMMAND} with its
 * usage and exit 0, before checking its required arguments; help for the daemon commands starts nothing.
 */
@QuarkusMainTest
class HelpCommandIT {

    /** A command row of a "Commands:" list: two spaces, the name (and aliases), the description. */
    static final Pattern COMMAND_ROW = Pattern.compile("^  ([a-z][a-z-]*)(?:, [a-z-]+)*\\s");

    static List<String> commandsListed(String usage) {
        List<String> names = new ArrayList<>();
        boolean inCommands = false;
        for (String line : usage.lines().toList()) {
            if (line.equals("Commands:")) {
                inCommands = true;
                continue;
            }
            if (inCommands && line.isBlank()) {
                break;
            }
            Matcher m = COMMAND_ROW.matcher(line);
            if (inCommands && m.find() && !m.group(1).equals("help")) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    static void assertUsage(LaunchResult r, String command) {
        assertThat(r.exitCode()).as(command + "\n" + r.getOutput() + r.getErrorOutput()).isZero();
        assertThat(r.getOutput()).as(command).contains("Usage: truenas-gitops " + command);
        assertThat(r.getErrorOutput()).as(command).doesNotContain("Missing required").doesNotContain("Unknown option");
    }

    @Test
    void everyCommandAndSubcommandAnswersHelpAndHelpCommand(QuarkusMainLauncher launcher) {
        LaunchResult root = launcher.launch("--help");
        List<String> top = commandsListed(root.getOutput());
        assertThat(top).contains("apps", "jobs", "deploy", "call", "plan", "sync", "serve", "demo", "validate");

        List<String> all = new ArrayList<>();
        for (String command : top) {
            all.add(command);
            LaunchResult help = launcher.launch(command, "--help");
            assertUsage(help, command);
            commandsListed(help.getOutput()).forEach(sub -> all.add(command + " " + sub));
        }
        assertThat(all).contains("apps list", "apps delete", "jobs list", "jobs wait");

        // Each launch boots the application: every command once with --help, a sample with "help COMMAND"
        // (HelpTextTest runs "help" for every command in-process).
        for (String command : all.stream().filter(c -> c.contains(" ")).toList()) {
            List<String> words = new ArrayList<>(List.of(command.split(" ")));
            words.add("--help");
            assertUsage(launcher.launch(words.toArray(String[]::new)), command);
        }
        assertUsage(launcher.launch("help", "apps"), "apps");
        assertUsage(launcher.launch("help", "deploy"), "deploy");
        assertUsage(launcher.launch("apps", "help", "list"), "apps list");
        assertUsage(launcher.launch("jobs", "help", "wait"), "jobs wait");
    }

    @Test
    void helpOfTheDaemonCommandsStartsNoListenerNoEmulatorAndNoDemo(QuarkusMainLauncher launcher) {
        for (String command : List.of("serve", "demo")) {
            LaunchResult help = launcher.launch(command, "--help");

            assertUsage(help, command);
            String everything = help.getOutput() + help.getErrorOutput();
            assertThat(everything).as(command).doesNotContain("Listening on").doesNotContain("Installed features")
                    .doesNotContain("emulated TrueNAS is listening").doesNotContain("demo folder");
        }
    }
}
