package io.truenasgitops.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** The root of the CLI: {@code truenas-gitops COMMAND}; its subcommands are the {@link Commands#TOP_LEVEL} list. */
@Command(
        name = "truenas-gitops",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "GitOps for TrueNAS SCALE apps: Docker Compose stacks in Git, applied through the TrueNAS API.",
        footerHeading = "%nExit codes:%n",
        footer = {
            "  0  ok (plan: nothing to change)",
            "  1  the operation failed (plan: changes pending; validate: problems found)",
            "  2  usage or configuration error: nothing was attempted",
            "  3  the NAS could not be reached, or refused the credentials",
            "",
            "Run 'truenas-gitops help COMMAND' or 'truenas-gitops COMMAND --help' for a command's options."
        })
public class RootCommand implements Runnable {

    /** The name of the help subcommand every command with subcommands gets. */
    static final String HELP = "help";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * Builds the command line with every top-level command, each created by {@code factory}: plain constructors
     * for short commands, the CDI-aware factory inside the daemon.
     */
    public static CommandLine commandLine(CommandLine.IFactory factory, List<?> commands) {
        return commandLine(factory, commands, command -> true);
    }

    /**
     * The command line for these arguments: only the command they name is built in full; every other command is
     * an outline (name, aliases, description) that is enough for the root's help and "did you mean". Building the
     * whole tree (every option of every command, by reflection) was most of the cost of {@code --version}.
     */
    public static CommandLine commandLineFor(CommandLine.IFactory factory, List<Class<?>> commands, String... args) {
        String named = commandNamed(args);
        if (named == null) {
            return commandLine(factory, commands, command -> false);
        }
        return commandLine(factory, commands, command -> NEEDS_THE_WHOLE_TREE.contains(named)
                || nameOf(command).equals(named) || java.util.Arrays.asList(annotationOf(command).aliases()).contains(named));
    }

    /** Commands that read the whole tree (a completion script lists every option of every command). */
    static final java.util.Set<String> NEEDS_THE_WHOLE_TREE = java.util.Set.of("completion");

    /** The top-level command the arguments name ({@code help NAME} names NAME), or null for the root itself. */
    static String commandNamed(String... args) {
        List<String> words = java.util.Arrays.stream(args).filter(a -> !a.startsWith("-")).limit(2).toList();
        if (words.isEmpty()) {
            return null;
        }
        return HELP.equals(words.get(0)) ? (words.size() > 1 ? words.get(1) : null) : words.get(0);
    }

    private static CommandLine commandLine(CommandLine.IFactory factory, List<?> commands,
            java.util.function.Predicate<Object> inFull) {
        CommandLine root = new CommandLine(new RootCommand(), factory);
        commands.stream()
                .sorted(Comparator.comparing(RootCommand::nameOf))
                .forEach(c -> root.addSubcommand(inFull.test(c) ? new CommandLine(c, factory) : outline(c, factory)));
        everyCommandAnswersHelp(root);
        // after the subcommands: picocli gives a converter only to the commands present when it is registered
        root.registerConverter(java.time.Duration.class, new DurationConverter());
        root.setExecutionExceptionHandler(new CliErrorHandler());
        root.setParameterExceptionHandler(RootCommand::usageError);
        return root;
    }

    /** A command's name, aliases and description only: what the root's help lists. */
    private static CommandLine outline(Object command, CommandLine.IFactory factory) {
        Command a = annotationOf(command);
        CommandSpec spec = CommandSpec.create().name(a.name()).aliases(a.aliases());
        spec.usageMessage().header(a.header()).description(a.description()).hidden(a.hidden());
        return new CommandLine(spec, factory);
    }

    /** The name of a command given as its class or as an instance. */
    private static String nameOf(Object command) {
        return annotationOf(command).name();
    }

    /** The {@code @Command} of a command given as its class or as an instance. */
    private static Command annotationOf(Object command) {
        Class<?> type = command instanceof Class<?> c ? c : command.getClass();
        return type.getAnnotation(Command.class);
    }

    /**
     * Every command answers {@code -h/--help} (also where the class forgot {@code mixinStandardHelpOptions}, and
     * before its required arguments are checked), and every command with subcommands answers {@code help [COMMAND]}.
     */
    private static void everyCommandAnswersHelp(CommandLine cl) {
        CommandSpec spec = cl.getCommandSpec();
        boolean hasHelpOption = spec.options().stream().anyMatch(OptionSpec::usageHelp);
        if (!hasHelpOption) {
            spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
                    .description("Show this help message and exit.").build());
        }
        List<CommandLine> children = new ArrayList<>(cl.getSubcommands().values().stream().distinct().toList());
        if (!children.isEmpty() && !cl.getSubcommands().containsKey(HELP)) {
            cl.addSubcommand(HELP, new CommandLine.HelpCommand());
        }
        children.forEach(RootCommand::everyCommandAnswersHelp);
    }

    /**
     * A usage error: what was wrong, a suggestion for a mistyped command, and where to find the usage; exit 2.
     * Picocli's own suggestions rank by common letters ({@code apps lst} got "stop, start, restart"); this ranks
     * by edit distance.
     */
    private static int usageError(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("error: " + ex.getMessage());
        if (ex instanceof CommandLine.UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
            String typed = unmatched.getUnmatched().get(0);
            List<String> candidates = typed.startsWith("-")
                    ? cmd.getCommandSpec().optionsMap().keySet().stream().toList()
                    : cmd.getSubcommands().keySet().stream().filter(n -> !n.equals(HELP)).toList();
            List<String> near = DidYouMean.closest(typed, candidates);
            if (!near.isEmpty()) {
                String prefix = typed.startsWith("-") ? "" : cmd.getCommandSpec().qualifiedName() + " ";
                err.println("Did you mean: " + String.join(" or ", near.stream().map(n -> prefix + n).toList()) + "?");
            }
        }
        err.println("Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage.");
        err.flush();
        return ExitCodes.USAGE;
    }
}
