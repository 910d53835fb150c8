package io.truenasgitops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CommandsTest {

    @Test
    void everyTopLevelCommandClassIsInTheListThePlainEntryPointRuns() throws Exception {
        List<Class<?>> found = HelpTextTest.everyTopLevelCommand().stream().<Class<?>>map(Object::getClass).toList();

        assertThat(Commands.TOP_LEVEL).as("Commands.TOP_LEVEL: add the new command there")
                .containsExactlyInAnyOrderElementsOf(found);
    }

    @Test
    void theRootsHelpFromOutlinesIsTheHelpOfTheWholeTree() {
        assertThat(run(RootCommand.commandLineFor(CommandLine.defaultFactory(), Commands.TOP_LEVEL, "--help"), "--help"))
                .isEqualTo(run(RootCommand.commandLine(CommandLine.defaultFactory(), Commands.TOP_LEVEL), "--help"))
                .contains("apps").contains("serve").contains("validate");
    }

    @Test
    void theNamedCommandIsBuiltInFullAndTheOthersAreOutlines() {
        CommandLine cli = RootCommand.commandLineFor(CommandLine.defaultFactory(), Commands.TOP_LEVEL, "diff", "--repo", "x");

        assertThat(cli.getSubcommands().get("plan").getCommandSpec().optionsMap()).containsKey("--repo");
        assertThat(cli.getSubcommands().get("apps").getSubcommands()).isEmpty();
        assertThat(run(cli, "help", "apps")).isNotEmpty();
    }

    @Test
    void theCommandNamedIsTheFirstWordOrTheWordAfterHelp() {
        assertThat(RootCommand.commandNamed("apps", "list", "-o", "json")).isEqualTo("apps");
        assertThat(RootCommand.commandNamed("help", "sync")).isEqualTo("sync");
        assertThat(RootCommand.commandNamed("--version")).isNull();
        assertThat(RootCommand.commandNamed("help")).isNull();
        assertThat(RootCommand.commandNamed()).isNull();
    }

    private static String run(CommandLine cli, String... args) {
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.execute(args);
        return out.toString();
    }
}
