package io.truenasgitops.cli;

import jakarta.enterprise.context.Dependent;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code get stacks}: the same as {@code status}, spelt as {@code flux get kustomizations} is. */
@Dependent
@Command(name = "get", mixinStandardHelpOptions = true, subcommands = GetCommand.Stacks.class,
        description = "Show what a running daemon knows: get stacks (the same as status).")
public class GetCommand implements Runnable, TopLevelCommand {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "get what? try: get stacks");
    }

    /** {@code get stacks}. */
    @Command(name = "stacks", mixinStandardHelpOptions = true,
            description = "Show the stacks of a running daemon (the same as status).")
    static class Stacks implements Callable<Integer> {

        @Mixin
        DaemonOptions daemon;

        @Mixin
        OutputOptions output;

        @Mixin
        WatchOptions watching;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws InterruptedException {
            return StatusCommand.show(spec.commandLine().getOut(), spec.commandLine().getErr(), daemon, output,
                    watching.watch, watching.intervalSeconds(), WatchOptions.Pause.SLEEP);
        }
    }
}
