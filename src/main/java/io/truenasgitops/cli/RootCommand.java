package io.truenasgitops.cli;

import java.util.Comparator;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

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
            "  3  the NAS could not be reached, or refused the credentials"
        })
public class RootCommand implements Runnable {

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
        root.setExecutionExceptionHandler(new CliErrorHandler());
        return root;
    }
}
