package io.truenasgitops.cli;

import java.util.List;

/**
 * Every command directly under the root ({@code truenas-gitops NAME}), in one list: the plain entry point
 * creates them without CDI, so a new {@link TopLevelCommand} is added here ({@code CommandsTest} fails for one
 * that is not).
 */
final class Commands {

    static final List<Class<?>> TOP_LEVEL = List.of(
            AppsCommand.class,
            CallCommand.class,
            CompleteCommand.class,
            CompletionCommand.class,
            DemoCommand.class,
            DeployCommand.class,
            EmulatorCommand.class,
            EncryptCommand.class,
            GetCommand.class,
            HistoryCommand.class,
            ImagesCommand.class,
            ImportCommand.class,
            JobsCommand.class,
            ModeCommand.class,
            PlanCommand.class,
            RenderCommand.class,
            ResumeCommand.class,
            RollbackCommand.class,
            ServeCommand.class,
            StatusCommand.class,
            SuspendCommand.class,
            SyncCommand.class,
            ValidateCommand.class);

    private Commands() {}
}
