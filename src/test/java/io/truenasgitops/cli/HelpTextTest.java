package io.truenasgitops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Renders the help of every command and subcommand (found on the class path, as CDI finds them) and checks what
 * a reader sees: every description paragraph is whole (picocli lists a command by its first paragraph only, and
 * starts each paragraph on a new line), and every command answers {@code --help}.
 */
class HelpTextTest {

    /** A whole paragraph ends like a sentence (a closing parenthesis or quote after it is fine). */
    static final Pattern WHOLE = Pattern.compile(".*[.:!?]['\")]*$|.*\\(default: \\$\\{DEFAULT-VALUE}\\)$|.*\\)\\.?$",
            Pattern.DOTALL);

    static List<TopLevelCommand> everyTopLevelCommand() throws IOException, URISyntaxException {
        Path dir = Path.of(RootCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve(RootCommand.class.getPackageName().replace('.', '/'));
        List<TopLevelCommand> commands = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                String name = RootCommand.class.getPackageName() + "."
                        + f.getFileName().toString().replace(".class", "");
                try {
                    Class<?> type = Class.forName(name);
                    if (TopLevelCommand.class.isAssignableFrom(type) && !type.isInterface()
                            && !Modifier.isAbstract(type.getModifiers())) {
                        commands.add((TopLevelCommand) CommandLine.defaultFactory().create(type));
                    }
                } catch (Exception e) {
                    throw new IllegalStateException("cannot create " + name, e);
                }
            }
        }
        return commands;
    }

    static List<CommandLine> tree(CommandLine cl) {
        List<CommandLine> all = new ArrayList<>();
        all.add(cl);
        cl.getSubcommands().values().stream().distinct().forEach(c -> all.addAll(tree(c)));
        return all;
    }

    static CommandLine root() throws Exception {
        return RootCommand.commandLine(CommandLine.defaultFactory(), everyTopLevelCommand());
    }

    @Test
    void everyDescriptionParagraphOfEveryCommandAndOptionIsAWholeSentence() throws Exception {
        java.util.Map<String, String> cut = new java.util.LinkedHashMap<>();
        for (CommandLine cl : tree(root())) {
            CommandSpec spec = cl.getCommandSpec();
            for (String paragraph : spec.usageMessage().description()) {
                if (!WHOLE.matcher(paragraph.replace("%n", "").strip()).matches()) {
                    cut.putIfAbsent(paragraph, spec.qualifiedName());
                }
            }
            List<ArgSpec> args = new ArrayList<>(spec.options());
            args.addAll(spec.positionalParameters());
            for (ArgSpec arg : args) {
                for (String paragraph : arg.description()) {
                    if (!WHOLE.matcher(paragraph.replace("%n", "").strip()).matches()) {
                        cut.putIfAbsent(paragraph, spec.qualifiedName() + " " + arg.paramLabel());
                    }
                }
            }
            StringWriter rendered = new StringWriter();
            cl.usage(new PrintWriter(rendered));
            assertThat(rendered.toString()).as(spec.qualifiedName()).contains("Usage: ")
                    .doesNotContain("${").doesNotContain("%n");
        }
        assertThat(cut.keySet()).as("description paragraphs that stop mid-sentence (first seen in %s)", cut.values())
                .isEmpty();
    }

    @Test
    void everyCommandHasAHelpOptionAndEveryCommandWithSubcommandsAHelpCommand() throws Exception {
        List<CommandLine> all = tree(root());
        assertThat(all).hasSizeGreaterThan(20);
        for (CommandLine cl : all) {
            assertThat(cl.getCommandSpec().options()).as(cl.getCommandSpec().qualifiedName())
                    .anyMatch(CommandLine.Model.OptionSpec::usageHelp);
            if (!(cl.getCommand() instanceof CommandLine.HelpCommand) && !cl.getSubcommands().isEmpty()) {
                assertThat(cl.getSubcommands()).as(cl.getCommandSpec().qualifiedName()).containsKey("help");
            }
        }
    }

    @Test
    void everyCommandAnswersDashDashHelpAndHelpCommandWithExitZero() throws Exception {
        for (CommandLine cl : tree(root())) {
            if (cl.getCommand() instanceof CommandLine.HelpCommand || cl.getParent() == null) {
                continue;
            }
            List<String> path = new ArrayList<>();
            for (CommandLine c = cl; c.getParent() != null; c = c.getParent()) {
                path.add(0, c.getCommandName());
            }
            List<String> dashHelp = new ArrayList<>(path);
            dashHelp.add("--help");
            List<String> helpCommand = new ArrayList<>(path.subList(0, path.size() - 1));
            helpCommand.add("help");
            helpCommand.add(path.get(path.size() - 1));
            for (List<String> args : List.of(dashHelp, helpCommand)) {
                CommandLine fresh = root();
                StringWriter out = new StringWriter();
                StringWriter err = new StringWriter();
                fresh.setOut(new PrintWriter(out, true));
                fresh.setErr(new PrintWriter(err, true));
                int code = fresh.execute(args.toArray(String[]::new));
                assertThat(code).as(args + ": " + err).isZero();
                assertThat(out.toString()).as(String.valueOf(args)).contains("Usage: truenas-gitops " + String.join(" ", path));
            }
        }
    }

    @Test
    void aMistypedSubcommandSuggestsTheClosestName() throws Exception {
        CommandLine root = root();
        StringWriter err = new StringWriter();
        root.setErr(new PrintWriter(err, true));

        int code = root.execute("apps", "lst");

        assertThat(code).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("Did you mean: truenas-gitops apps list?")
                .doesNotContain("apps stop").doesNotContain("apps restart");
    }
}
