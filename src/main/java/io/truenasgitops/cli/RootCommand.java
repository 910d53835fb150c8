package io.truenasgitops.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** The root of the CLI: {@code truenas-gitops COMMAND}; its subcommands are the {@link TopLevelCommand} beans. */
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

    /** Builds the command line with every top-level command, each created through the CDI-aware factory. */
    public static CommandLine commandLine(CommandLine.IFactory factory, List<? extends TopLevelCommand> commands) {
        CommandLine root = new CommandLine(new RootCommand(), factory);
        commands.stream()
                .sorted(Comparator.comparing(c -> CommandLine.Model.CommandSpec.forAnnotatedObject(c).name()))
                .forEach(c -> root.addSubcommand(new CommandLine(c, factory)));
        everyCommandAnswersHelp(root);
        // after the subcommands: picocli gives a converter only to the commands present when it is registered
        root.registerConverter(java.time.Duration.class, new DurationConverter());
        root.setExecutionExceptionHandler(new CliErrorHandler());
        root.setParameterExceptionHandler(RootCommand::usageError);
        return root;
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
