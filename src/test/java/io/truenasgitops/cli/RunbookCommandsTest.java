package io.truenasgitops.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The alert runbooks in deploy/prometheus tell an operator at 3 a.m. what to run: every {@code truenas-gitops ...}
 * command they name must be one this CLI parses (a Prometheus template such as {@code {{ $labels.stack }}}
 * stands for a value).
 */
class RunbookCommandsTest {

    static final Path ALERTS = Path.of("deploy/prometheus/alerts.yaml");
    static final Pattern COMMAND = Pattern.compile("`truenas-gitops ([^`]+)`");
    static final Pattern TEMPLATE = Pattern.compile("\\{\\{\\s*\\$labels\\.(\\w+)\\s*}}");

    /** Every top-level command class, as CDI would find them, created without CDI (parsing needs no beans). */
    static CommandLine cli() throws IOException {
        Path classes = Path.of("target/classes/io/truenasgitops/cli");
        List<TopLevelCommand> commands = new ArrayList<>();
        try (Stream<Path> files = Files.list(classes)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class") && !p.toString().contains("$")).toList()) {
                String name = "io.truenasgitops.cli." + f.getFileName().toString().replace(".class", "");
                try {
                    Class<?> c = Class.forName(name);
                    if (TopLevelCommand.class.isAssignableFrom(c) && !c.isInterface()
                            && !Modifier.isAbstract(c.getModifiers())) {
                        commands.add((TopLevelCommand) CommandLine.defaultFactory().create(c));
                    }
                } catch (Exception e) {
                    throw new IllegalStateException("cannot create " + name, e);
                }
            }
        }
        return RootCommand.commandLine(CommandLine.defaultFactory(), commands);
    }

    static List<String> runbookCommands() throws IOException {
        String text = Files.readString(ALERTS).replaceAll("\\s*\\n\\s*", " ");
        List<String> out = new ArrayList<>();
        Matcher m = COMMAND.matcher(text);
        while (m.find()) {
            out.add(TEMPLATE.matcher(m.group(1)).replaceAll(r -> r.group(1)));
        }
        return out;
    }

    @Test
    void everyCommandTheRunbooksNameParses() throws IOException {
        List<String> commands = runbookCommands();
        assertThat(commands).as("commands named in " + ALERTS).hasSizeGreaterThanOrEqualTo(4);
        for (String command : commands) {
            String[] args = command.strip().split("\\s+");
            assertThatCode(() -> cli().parseArgs(args)).as("`truenas-gitops %s` in %s", command, ALERTS)
                    .doesNotThrowAnyException();
        }
    }

    @Test
    void theOldDiffCommandWithAStackNameWouldHaveFailed() throws IOException {
        assertThatCode(() -> cli().parseArgs("diff", "web")).isInstanceOf(CommandLine.ParameterException.class);
    }
}
